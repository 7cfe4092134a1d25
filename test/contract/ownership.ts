/**
 * Nobody acts on what is not theirs: another user's order answers 518 (it does not exist for them),
 * another user's store 401 (token endpoints) or 522 (order lists), another user's token or password
 * 401, and none of it changes anything.
 */
import { describe, expect, it } from 'vitest';
import {
  balance,
  type ClientFactory,
  expectCode,
  newShop,
  newStore,
  newUser,
  orderAction,
  orderRequest,
  PRICE_A,
  paidOrder,
  placeOrder,
  ship,
  orderStatus as status,
  stock,
  uid,
} from './helpers.ts';

export function ownershipSuite(client: ClientFactory) {
  describe('ownership', () => {
    it('never lets one buyer pay, cancel, confirm or query another buyer’s order (518)', async () => {
      const shop = await newShop(client(), 10_000);
      const unpaid = await placeOrder(client(), shop.buyer, shop.store_id, [{ id: shop.a, count: 1 }]);
      const paid = await paidOrder(client(), shop);
      const other = await newUser(client(), 10_000);
      for (const path of ['/buyer/pay_to_platform', '/buyer/payment', '/buyer/cancel_order']) {
        await expectCode(orderAction(client(), path, other, unpaid), 518);
      }
      await expectCode(orderAction(client(), '/buyer/confirm_receipt_and_pay_toseller', other, paid), 518);
      await expectCode(orderAction(client(), '/buyer/query_order_status', other, unpaid), 518);
      await expectCode(orderAction(client(), '/buyer/query_order_status', other, paid), 518);
      expect(await status(client(), shop.buyer, unpaid)).toBe('unpaid');
      expect(await status(client(), shop.buyer, paid)).toBe('paid');
      expect(await balance(client(), other)).toBe(10_000);
      expect(await balance(client(), shop.buyer)).toBe(10_000 - PRICE_A);
      expect(await balance(client(), shop.seller)).toBe(0);
      expect(await stock(client(), shop.store_id, shop.a)).toBe(8);
    });

    it('never lets the seller act on the buyer’s order as a buyer (518)', async () => {
      const shop = await newShop(client(), 10_000);
      const paid = await paidOrder(client(), shop);
      await expectCode(
        orderAction(client(), '/buyer/confirm_receipt_and_pay_toseller', shop.seller, paid),
        518,
      );
      await expectCode(orderAction(client(), '/buyer/cancel_order', shop.seller, paid), 518);
      await expectCode(orderAction(client(), '/buyer/query_order_status', shop.seller, paid), 518);
      expect(await balance(client(), shop.seller)).toBe(0);
      expect(await status(client(), shop.buyer, paid)).toBe('paid');
    });

    it('keeps each buyer’s order list to their own orders', async () => {
      const shop = await newShop(client(), 10_000);
      await placeOrder(client(), shop.buyer, shop.store_id, [{ id: shop.a, count: 1 }]);
      const other = await newUser(client());
      const reply = await expectCode(
        client().post('/buyer/query_buyer_all_orders', { user_id: other.user_id, password: other.password }),
        200,
      );
      expect(reply.body).toMatchObject({ orders: [], total: 0 });
    });

    it('refuses another user’s password or token with 401', async () => {
      const shop = await newShop(client(), 10_000);
      const id = await placeOrder(client(), shop.buyer, shop.store_id, [{ id: shop.a, count: 1 }]);
      const other = await newUser(client(), 10_000);
      const borrowed = { user_id: shop.buyer.user_id, password: other.password };
      await expectCode(orderAction(client(), '/buyer/pay_to_platform', borrowed, id), 401);
      await expectCode(orderAction(client(), '/buyer/cancel_order', borrowed, id), 401);
      await expectCode(orderAction(client(), '/buyer/query_order_status', borrowed, id), 401);
      await expectCode(
        client().post('/buyer/add_funds', {
          user_id: shop.buyer.user_id,
          password: other.password,
          add_value: -1,
        }),
        401,
      );
      // The buyer's token does not work for another user id, nor the other's for the buyer.
      const asOther = { user_id: other.user_id, token: shop.buyer.token };
      await expectCode(orderRequest(client(), asOther, shop.store_id, [{ id: shop.a, count: 1 }]), 401);
      await expectCode(
        client().post(
          '/seller/create_store',
          { user_id: shop.buyer.user_id, store_id: uid('store') },
          { token: other.token },
        ),
        401,
      );
      await expectCode(
        client().post('/auth/logout', { user_id: shop.buyer.user_id }, { token: other.token }),
        401,
      );
      expect(await status(client(), shop.buyer, id)).toBe('unpaid');
      expect(await balance(client(), shop.buyer)).toBe(10_000);
      expect(await stock(client(), shop.store_id, shop.a)).toBe(9);
    });

    it('never lets a user ship from another’s store (401), even the order they bought', async () => {
      const shop = await newShop(client(), 10_000);
      const id = await paidOrder(client(), shop);
      await expectCode(ship(client(), shop.buyer, shop.store_id, id), 401);
      const rival = await newUser(client());
      const rivalStore = await newStore(client(), rival, []);
      await expectCode(ship(client(), rival, shop.store_id, id), 401);
      // Through the rival's own store the order does not exist.
      await expectCode(ship(client(), rival, rivalStore, id), 518);
      expect(await status(client(), shop.buyer, id)).toBe('paid');
    });

    it('never lets a user list another’s store orders (522) or restock it (401)', async () => {
      const shop = await newShop(client(), 10_000);
      await paidOrder(client(), shop);
      const rival = await newUser(client());
      const rivalStore = await newStore(client(), rival, []);
      await expectCode(
        client().post('/seller/query_one_store_orders', {
          user_id: rival.user_id,
          password: rival.password,
          store_id: shop.store_id,
        }),
        522,
      );
      const all = await expectCode(
        client().post('/seller/query_all_store_orders', { user_id: rival.user_id, password: rival.password }),
        200,
      );
      expect(all.body).toMatchObject({ orders: [], total: 0 });
      await expectCode(
        client().post(
          '/seller/add_stock_level',
          { user_id: rival.user_id, store_id: shop.store_id, book_id: shop.a, add_stock_level: 5 },
          { token: rival.token },
        ),
        401,
      );
      await expectCode(
        client().post(
          '/seller/add_book',
          {
            user_id: rival.user_id,
            store_id: shop.store_id,
            book_info: { id: uid('b'), title: 't', price: 1 },
            stock_level: 1,
          },
          { token: rival.token },
        ),
        401,
      );
      expect(await stock(client(), shop.store_id, shop.a)).toBe(9);
      expect(rivalStore).not.toBe(shop.store_id);
    });
  });
}
