/**
 * /buyer/new_order and /buyer/pay_to_platform (and its alias /buyer/payment): stock reserved on order,
 * all lines or none, repeated ids summed, the exact amount charged once, refusals changing nothing.
 */
import { describe, expect, it } from 'vitest';
import {
  addFunds,
  balance,
  type ClientFactory,
  expectCode,
  newShop,
  newUser,
  orderAction,
  orderRequest,
  PRICE_A,
  PRICE_B,
  placeOrder,
  orderStatus as status,
  stock,
  uid,
} from './helpers.ts';

export function buyerOrdersSuite(client: ClientFactory) {
  describe('buyer: new_order', () => {
    it('reserves the stock of every line and answers an order id', async () => {
      const shop = await newShop(client());
      await placeOrder(client(), shop.buyer, shop.store_id, [
        { id: shop.a, count: 3 },
        { id: shop.b, count: 5 },
      ]);
      expect(await stock(client(), shop.store_id, shop.a)).toBe(7);
      expect(await stock(client(), shop.store_id, shop.b)).toBe(0);
    });

    it('sums repeated book ids into one line', async () => {
      const shop = await newShop(client());
      const id = await placeOrder(client(), shop.buyer, shop.store_id, [
        { id: shop.a, count: 2 },
        { id: shop.b, count: 1 },
        { id: shop.a, count: 3 },
      ]);
      expect(await stock(client(), shop.store_id, shop.a)).toBe(5);
      const reply = await expectCode(orderAction(client(), '/buyer/query_order_status', shop.buyer, id), 200);
      const order = reply.body.order as { items: unknown[]; amount: number };
      expect(order.items).toHaveLength(2);
      expect(order.items).toEqual(
        expect.arrayContaining([
          { book_id: shop.a, count: 5, price: PRICE_A },
          { book_id: shop.b, count: 1, price: PRICE_B },
        ]),
      );
      expect(order.amount).toBe(5 * PRICE_A + PRICE_B);
    });

    it('refuses summed repeated ids past the stock with 517 and changes no stock', async () => {
      const shop = await newShop(client());
      await expectCode(
        orderRequest(client(), shop.buyer, shop.store_id, [
          { id: shop.b, count: 3 },
          { id: shop.b, count: 3 },
        ]),
        517,
      );
      expect(await stock(client(), shop.store_id, shop.b)).toBe(5);
    });

    it('refuses an order with one unknown book with 515 and changes no stock', async () => {
      const shop = await newShop(client());
      const missing = uid('book');
      const reply = await expectCode(
        orderRequest(client(), shop.buyer, shop.store_id, [
          { id: shop.a, count: 2 },
          { id: missing, count: 1 },
        ]),
        515,
      );
      expect(reply.body.message).toContain(missing);
      expect(await stock(client(), shop.store_id, shop.a)).toBe(10);
    });

    it('refuses an order with one line past the stock with 517 and changes no stock', async () => {
      const shop = await newShop(client());
      const reply = await expectCode(
        orderRequest(client(), shop.buyer, shop.store_id, [
          { id: shop.a, count: 2 },
          { id: shop.b, count: 6 },
        ]),
        517,
      );
      expect(reply.body.message).toContain(shop.b);
      expect(await stock(client(), shop.store_id, shop.a)).toBe(10);
      expect(await stock(client(), shop.store_id, shop.b)).toBe(5);
    });

    it('answers 515 before 517 when one line is unknown and another too large', async () => {
      const shop = await newShop(client());
      await expectCode(
        orderRequest(client(), shop.buyer, shop.store_id, [
          { id: shop.a, count: 999 },
          { id: uid('book'), count: 1 },
        ]),
        515,
      );
    });

    it('sells the last copy, then refuses the next with 517', async () => {
      const shop = await newShop(client());
      await placeOrder(client(), shop.buyer, shop.store_id, [{ id: shop.b, count: 5 }]);
      await expectCode(orderRequest(client(), shop.buyer, shop.store_id, [{ id: shop.b, count: 1 }]), 517);
      expect(await stock(client(), shop.store_id, shop.b)).toBe(0);
    });

    it('answers 513 for a missing store, before 515', async () => {
      const buyer = await newUser(client());
      const store_id = uid('store');
      const reply = await expectCode(
        orderRequest(client(), buyer, store_id, [{ id: uid('book'), count: 1 }]),
        513,
      );
      expect(reply.body.message).toContain(store_id);
    });

    it('answers 511 for an unknown user even with a bad token', async () => {
      const shop = await newShop(client());
      const ghost = { user_id: uid('nobody'), token: 'garbage' };
      await expectCode(orderRequest(client(), ghost, shop.store_id, [{ id: shop.a, count: 1 }]), 511);
      expect(await stock(client(), shop.store_id, shop.a)).toBe(10);
    });

    it('answers 401 for a bad token before 513, and changes no stock', async () => {
      const shop = await newShop(client());
      const bad = { user_id: shop.buyer.user_id, token: 'garbage' };
      await expectCode(orderRequest(client(), bad, uid('store'), [{ id: shop.a, count: 1 }]), 401);
      await expectCode(orderRequest(client(), bad, shop.store_id, [{ id: shop.a, count: 1 }]), 401);
      expect(await stock(client(), shop.store_id, shop.a)).toBe(10);
    });

    it('answers 530 for a zero, negative or fractional count and changes no stock', async () => {
      const shop = await newShop(client());
      for (const count of [0, -1, 1.5]) {
        const reply = await expectCode(
          orderRequest(client(), shop.buyer, shop.store_id, [{ id: shop.a, count }]),
          530,
        );
        expect(reply.body.message).toContain('count');
      }
      expect(await stock(client(), shop.store_id, shop.a)).toBe(10);
    });
  });

  describe('buyer: pay_to_platform', () => {
    it('moves exactly Σ price × count from the buyer’s balance', async () => {
      const shop = await newShop(client(), 10_000);
      const id = await placeOrder(client(), shop.buyer, shop.store_id, [
        { id: shop.a, count: 2 },
        { id: shop.b, count: 3 },
      ]);
      expect(await balance(client(), shop.buyer)).toBe(10_000);
      await expectCode(orderAction(client(), '/buyer/pay_to_platform', shop.buyer, id), 200);
      expect(await balance(client(), shop.buyer)).toBe(10_000 - (2 * PRICE_A + 3 * PRICE_B));
      expect(await status(client(), shop.buyer, id)).toBe('paid');
      // Escrow: nothing reaches the seller before receipt.
      expect(await balance(client(), shop.seller)).toBe(0);
    });

    it('accepts /buyer/payment as an alias', async () => {
      const shop = await newShop(client(), 5_000);
      const id = await placeOrder(client(), shop.buyer, shop.store_id, [{ id: shop.b, count: 2 }]);
      await expectCode(orderAction(client(), '/buyer/payment', shop.buyer, id), 200);
      expect(await balance(client(), shop.buyer)).toBe(5_000 - 2 * PRICE_B);
      expect(await status(client(), shop.buyer, id)).toBe('paid');
      await expectCode(orderAction(client(), '/buyer/payment', shop.buyer, id), 527);
    });

    it('refuses a second payment of the same order with 527', async () => {
      const shop = await newShop(client(), 5_000);
      const id = await placeOrder(client(), shop.buyer, shop.store_id, [{ id: shop.a, count: 1 }]);
      await expectCode(orderAction(client(), '/buyer/pay_to_platform', shop.buyer, id), 200);
      const reply = await expectCode(orderAction(client(), '/buyer/pay_to_platform', shop.buyer, id), 527);
      expect(reply.body.message).toContain(id);
      expect(await balance(client(), shop.buyer)).toBe(5_000 - PRICE_A);
    });

    it('answers 527 before 519 for a paid order when the balance is now too low', async () => {
      const shop = await newShop(client(), PRICE_A);
      const id = await placeOrder(client(), shop.buyer, shop.store_id, [{ id: shop.a, count: 1 }]);
      await expectCode(orderAction(client(), '/buyer/pay_to_platform', shop.buyer, id), 200);
      await expectCode(orderAction(client(), '/buyer/pay_to_platform', shop.buyer, id), 527);
      expect(await balance(client(), shop.buyer)).toBe(0);
    });

    it('refuses an insufficient balance with 519, changes nothing, and pays after a top-up', async () => {
      const shop = await newShop(client(), PRICE_A - 1);
      const id = await placeOrder(client(), shop.buyer, shop.store_id, [{ id: shop.a, count: 1 }]);
      await expectCode(orderAction(client(), '/buyer/pay_to_platform', shop.buyer, id), 519);
      expect(await balance(client(), shop.buyer)).toBe(PRICE_A - 1);
      expect(await status(client(), shop.buyer, id)).toBe('unpaid');
      expect(await stock(client(), shop.store_id, shop.a)).toBe(9);
      await expectCode(addFunds(client(), shop.buyer, 1), 200);
      await expectCode(orderAction(client(), '/buyer/pay_to_platform', shop.buyer, id), 200);
      expect(await balance(client(), shop.buyer)).toBe(0);
    });

    it('answers 526 (not 519) for a cancelled order with an insufficient balance', async () => {
      const shop = await newShop(client(), 0);
      const id = await placeOrder(client(), shop.buyer, shop.store_id, [{ id: shop.a, count: 1 }]);
      await expectCode(orderAction(client(), '/buyer/cancel_order', shop.buyer, id), 200);
      await expectCode(orderAction(client(), '/buyer/pay_to_platform', shop.buyer, id), 526);
      expect(await balance(client(), shop.buyer)).toBe(0);
    });

    it('answers 526 for a cancelled order even with enough balance, charging nothing', async () => {
      const shop = await newShop(client(), 10_000);
      const id = await placeOrder(client(), shop.buyer, shop.store_id, [{ id: shop.a, count: 1 }]);
      await expectCode(orderAction(client(), '/buyer/cancel_order', shop.buyer, id), 200);
      await expectCode(orderAction(client(), '/buyer/pay_to_platform', shop.buyer, id), 526);
      expect(await balance(client(), shop.buyer)).toBe(10_000);
      expect(await stock(client(), shop.store_id, shop.a)).toBe(10);
    });

    it('answers 518 for an unknown order id', async () => {
      const buyer = await newUser(client(), 100);
      await expectCode(orderAction(client(), '/buyer/pay_to_platform', buyer, uid('order')), 518);
      expect(await balance(client(), buyer)).toBe(100);
    });

    it('answers 401 for a wrong password (before 518) and for an unknown user', async () => {
      const shop = await newShop(client(), 10_000);
      const id = await placeOrder(client(), shop.buyer, shop.store_id, [{ id: shop.a, count: 1 }]);
      const wrong = { user_id: shop.buyer.user_id, password: 'wrong' };
      await expectCode(orderAction(client(), '/buyer/pay_to_platform', wrong, id), 401);
      await expectCode(orderAction(client(), '/buyer/pay_to_platform', wrong, uid('order')), 401);
      const ghost = { user_id: uid('nobody'), password: 'x' };
      await expectCode(orderAction(client(), '/buyer/pay_to_platform', ghost, id), 401);
      expect(await balance(client(), shop.buyer)).toBe(10_000);
      expect(await status(client(), shop.buyer, id)).toBe('unpaid');
    });
  });
}
