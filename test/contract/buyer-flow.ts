/**
 * The rest of an order's life: /buyer/cancel_order (stock returns, once), /seller/ship and
 * /buyer/confirm_receipt_and_pay_toseller (escrow to the store owner, exactly once), with the codes of
 * every state in API.md's order.
 */
import { describe, expect, it } from 'vitest';
import type { Client } from '../support/client.ts';
import {
  balance,
  type ClientFactory,
  expectCode,
  newShop,
  newStore,
  newUser,
  orderAction,
  PRICE_A,
  paidOrder,
  placeOrder,
  type Shop,
  ship,
  stock,
  uid,
} from './helpers.ts';

const CANCEL = '/buyer/cancel_order';
const CONFIRM = '/buyer/confirm_receipt_and_pay_toseller';

const orderOf = async (c: Client, shop: Shop, id: string) => {
  const reply = await expectCode(orderAction(c, '/buyer/query_order_status', shop.buyer, id), 200);
  return reply.body.order as Record<string, unknown>;
};

export function buyerFlowSuite(client: ClientFactory) {
  describe('buyer: cancel_order', () => {
    it('cancels an unpaid order and returns its stock', async () => {
      const shop = await newShop(client());
      const id = await placeOrder(client(), shop.buyer, shop.store_id, [
        { id: shop.a, count: 4 },
        { id: shop.b, count: 2 },
      ]);
      expect(await stock(client(), shop.store_id, shop.a)).toBe(6);
      await expectCode(orderAction(client(), CANCEL, shop.buyer, id), 200);
      expect(await stock(client(), shop.store_id, shop.a)).toBe(10);
      expect(await stock(client(), shop.store_id, shop.b)).toBe(5);
      const order = await orderOf(client(), shop, id);
      expect(order).toMatchObject({ status: 'cancelled', cancel_reason: 'buyer', paid_at: null });
      expect(typeof order.cancelled_at).toBe('string');
    });

    it('refuses a second cancel with 526 and returns the stock only once', async () => {
      const shop = await newShop(client());
      const id = await placeOrder(client(), shop.buyer, shop.store_id, [{ id: shop.a, count: 4 }]);
      await expectCode(orderAction(client(), CANCEL, shop.buyer, id), 200);
      await expectCode(orderAction(client(), CANCEL, shop.buyer, id), 526);
      expect(await stock(client(), shop.store_id, shop.a)).toBe(10);
    });

    it('refuses to cancel a paid order with 521 and changes nothing', async () => {
      const shop = await newShop(client(), 10_000);
      const id = await paidOrder(client(), shop, 2);
      const reply = await expectCode(orderAction(client(), CANCEL, shop.buyer, id), 521);
      expect(reply.body.message).toContain(id);
      expect(await balance(client(), shop.buyer)).toBe(10_000 - 2 * PRICE_A);
      expect(await stock(client(), shop.store_id, shop.a)).toBe(8);
      expect((await orderOf(client(), shop, id)).status).toBe('paid');
    });

    it('refuses to cancel a shipped or received order with 521', async () => {
      const shop = await newShop(client(), 10_000);
      const id = await paidOrder(client(), shop);
      await expectCode(ship(client(), shop.seller, shop.store_id, id), 200);
      await expectCode(orderAction(client(), CANCEL, shop.buyer, id), 521);
      await expectCode(orderAction(client(), CONFIRM, shop.buyer, id), 200);
      await expectCode(orderAction(client(), CANCEL, shop.buyer, id), 521);
      expect(await stock(client(), shop.store_id, shop.a)).toBe(9);
    });

    it('answers 518 for an unknown order id', async () => {
      const buyer = await newUser(client());
      await expectCode(orderAction(client(), CANCEL, buyer, uid('order')), 518);
    });

    it('answers 511 for an unknown user and 401 for a wrong password (before 518)', async () => {
      const shop = await newShop(client());
      const id = await placeOrder(client(), shop.buyer, shop.store_id, [{ id: shop.a, count: 1 }]);
      await expectCode(orderAction(client(), CANCEL, { user_id: uid('nobody'), password: 'x' }, id), 511);
      const wrong = { user_id: shop.buyer.user_id, password: 'wrong' };
      await expectCode(orderAction(client(), CANCEL, wrong, id), 401);
      await expectCode(orderAction(client(), CANCEL, wrong, uid('order')), 401);
      expect(await stock(client(), shop.store_id, shop.a)).toBe(9);
      expect((await orderOf(client(), shop, id)).status).toBe('unpaid');
    });
  });

  describe('seller: ship', () => {
    it('answers 520 for an unpaid order, ships a paid one, then 529, then 528 after receipt', async () => {
      const shop = await newShop(client(), 10_000);
      const id = await placeOrder(client(), shop.buyer, shop.store_id, [{ id: shop.a, count: 1 }]);
      await expectCode(ship(client(), shop.seller, shop.store_id, id), 520);
      await expectCode(orderAction(client(), '/buyer/pay_to_platform', shop.buyer, id), 200);
      await expectCode(ship(client(), shop.seller, shop.store_id, id), 200);
      const shipped = await orderOf(client(), shop, id);
      expect(shipped.status).toBe('shipped');
      expect(typeof shipped.shipped_at).toBe('string');
      await expectCode(ship(client(), shop.seller, shop.store_id, id), 529);
      await expectCode(orderAction(client(), CONFIRM, shop.buyer, id), 200);
      await expectCode(ship(client(), shop.seller, shop.store_id, id), 528);
      expect((await orderOf(client(), shop, id)).status).toBe('received');
    });

    it('answers 526 for a cancelled order', async () => {
      const shop = await newShop(client());
      const id = await placeOrder(client(), shop.buyer, shop.store_id, [{ id: shop.a, count: 1 }]);
      await expectCode(orderAction(client(), CANCEL, shop.buyer, id), 200);
      await expectCode(ship(client(), shop.seller, shop.store_id, id), 526);
    });

    it('answers 518 for an unknown order and for an order of the seller’s other store', async () => {
      const shop = await newShop(client(), 10_000);
      const id = await paidOrder(client(), shop);
      const other = await newStore(client(), shop.seller, []);
      await expectCode(ship(client(), shop.seller, shop.store_id, uid('order')), 518);
      await expectCode(ship(client(), shop.seller, other, id), 518);
      expect((await orderOf(client(), shop, id)).status).toBe('paid');
    });

    it('answers 511 for an unknown user, 401 for a bad token before 513, then 513', async () => {
      const shop = await newShop(client(), 10_000);
      const id = await paidOrder(client(), shop);
      await expectCode(ship(client(), { ...shop.seller, user_id: uid('nobody') }, shop.store_id, id), 511);
      const badToken = { ...shop.seller, token: 'garbage' };
      await expectCode(ship(client(), badToken, uid('store'), id), 401);
      await expectCode(ship(client(), badToken, shop.store_id, id), 401);
      await expectCode(ship(client(), shop.seller, uid('store'), id), 513);
      expect((await orderOf(client(), shop, id)).status).toBe('paid');
    });

    it('answers 401 to a user who does not own the store, before 518', async () => {
      const shop = await newShop(client(), 10_000);
      const id = await paidOrder(client(), shop);
      const intruder = await newUser(client());
      await expectCode(ship(client(), intruder, shop.store_id, id), 401);
      await expectCode(ship(client(), intruder, shop.store_id, uid('order')), 401);
      expect((await orderOf(client(), shop, id)).status).toBe('paid');
    });
  });

  describe('buyer: confirm_receipt_and_pay_toseller', () => {
    it('releases the escrow to the store owner once the order is paid, shipped or not', async () => {
      const shop = await newShop(client(), 10_000);
      const unshipped = await paidOrder(client(), shop, 2);
      const shipped = await paidOrder(client(), shop, 3);
      await expectCode(ship(client(), shop.seller, shop.store_id, shipped), 200);
      expect(await balance(client(), shop.seller)).toBe(0);
      await expectCode(orderAction(client(), CONFIRM, shop.buyer, unshipped), 200);
      expect(await balance(client(), shop.seller)).toBe(2 * PRICE_A);
      await expectCode(orderAction(client(), CONFIRM, shop.buyer, shipped), 200);
      expect(await balance(client(), shop.seller)).toBe(5 * PRICE_A);
      expect(await balance(client(), shop.buyer)).toBe(10_000 - 5 * PRICE_A);
      const order = await orderOf(client(), shop, shipped);
      expect(order.status).toBe('received');
      expect(typeof order.received_at).toBe('string');
    });

    it('refuses a second confirmation with 528 and pays the seller exactly once', async () => {
      const shop = await newShop(client(), 10_000);
      const id = await paidOrder(client(), shop);
      await expectCode(orderAction(client(), CONFIRM, shop.buyer, id), 200);
      const reply = await expectCode(orderAction(client(), CONFIRM, shop.buyer, id), 528);
      expect(reply.body.message).toContain(id);
      expect(await balance(client(), shop.seller)).toBe(PRICE_A);
      expect(await balance(client(), shop.buyer)).toBe(10_000 - PRICE_A);
    });

    it('answers 520 for an unpaid order and 526 (not 520) for a cancelled one', async () => {
      const shop = await newShop(client(), 10_000);
      const id = await placeOrder(client(), shop.buyer, shop.store_id, [{ id: shop.a, count: 1 }]);
      await expectCode(orderAction(client(), CONFIRM, shop.buyer, id), 520);
      await expectCode(orderAction(client(), CANCEL, shop.buyer, id), 200);
      await expectCode(orderAction(client(), CONFIRM, shop.buyer, id), 526);
      expect(await balance(client(), shop.seller)).toBe(0);
      expect(await balance(client(), shop.buyer)).toBe(10_000);
    });

    it('answers 518 for an unknown order, 401 for a wrong password or an unknown user', async () => {
      const shop = await newShop(client(), 10_000);
      const id = await paidOrder(client(), shop);
      await expectCode(orderAction(client(), CONFIRM, shop.buyer, uid('order')), 518);
      const wrong = { user_id: shop.buyer.user_id, password: 'wrong' };
      await expectCode(orderAction(client(), CONFIRM, wrong, id), 401);
      await expectCode(orderAction(client(), CONFIRM, wrong, uid('order')), 401);
      await expectCode(orderAction(client(), CONFIRM, { user_id: uid('nobody'), password: 'x' }, id), 401);
      expect(await balance(client(), shop.seller)).toBe(0);
      expect((await orderOf(client(), shop, id)).status).toBe('paid');
    });
  });
}
