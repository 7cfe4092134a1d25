/**
 * The order queries: /buyer/query_order_status (the order object of API.md), /buyer/query_buyer_all_orders
 * (newest first, paged), /seller/query_one_store_orders and /seller/query_all_store_orders (paged, 522).
 */
import { describe, expect, it } from 'vitest';
import type { Client } from '../support/client.ts';
import {
  type ClientFactory,
  expectCode,
  newShop,
  newStore,
  newUser,
  orderAction,
  PRICE_A,
  PRICE_B,
  placeOrder,
  type Shop,
  sleep,
  uid,
} from './helpers.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const ORDER_FIELDS = [
  'order_id',
  'buyer_id',
  'store_id',
  'status',
  'items',
  'amount',
  'created_at',
  'paid_at',
  'shipped_at',
  'received_at',
  'cancelled_at',
  'cancel_reason',
  'expires_at',
];

type Order = { order_id: string; store_id: string; status: string };

/** Places `n` orders of one `a` each, a few ms apart so their creation times differ; oldest first. */
async function orders(c: Client, shop: Shop, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(await placeOrder(c, shop.buyer, shop.store_id, [{ id: shop.a, count: 1 }]));
    await sleep(5);
  }
  return ids;
}

const buyerOrders = (c: Client, user: { user_id: string; password: string }, paging: object = {}) =>
  c.post('/buyer/query_buyer_all_orders', { user_id: user.user_id, password: user.password, ...paging });

const storeOrders = (c: Client, user: { user_id: string; password: string }, store_id: string, paging = {}) =>
  c.post('/seller/query_one_store_orders', {
    user_id: user.user_id,
    password: user.password,
    store_id,
    ...paging,
  });

const allStoreOrders = (c: Client, user: { user_id: string; password: string }, paging = {}) =>
  c.post('/seller/query_all_store_orders', { user_id: user.user_id, password: user.password, ...paging });

const ids = (reply: { body: Record<string, unknown> }) =>
  (reply.body.orders as Order[]).map((o) => o.order_id);

export function queriesSuite(client: ClientFactory) {
  describe('buyer: query_order_status', () => {
    it('answers order_status and an order object with every field of API.md', async () => {
      const shop = await newShop(client());
      const id = await placeOrder(client(), shop.buyer, shop.store_id, [
        { id: shop.a, count: 2 },
        { id: shop.b, count: 1 },
      ]);
      const reply = await expectCode(orderAction(client(), '/buyer/query_order_status', shop.buyer, id), 200);
      expect(reply.body.order_status).toBe('unpaid');
      const order = reply.body.order as Record<string, unknown>;
      for (const field of ORDER_FIELDS) expect(order).toHaveProperty(field);
      expect(order).toMatchObject({
        order_id: id,
        buyer_id: shop.buyer.user_id,
        store_id: shop.store_id,
        status: 'unpaid',
        amount: 2 * PRICE_A + PRICE_B,
        paid_at: null,
        shipped_at: null,
        received_at: null,
        cancelled_at: null,
        cancel_reason: null,
      });
      expect(order.items).toEqual(
        expect.arrayContaining([
          { book_id: shop.a, count: 2, price: PRICE_A },
          { book_id: shop.b, count: 1, price: PRICE_B },
        ]),
      );
      expect(order.created_at).toMatch(ISO);
      expect(order.expires_at).toMatch(ISO);
      expect(Date.parse(String(order.expires_at))).toBeGreaterThan(Date.parse(String(order.created_at)));
    });

    it('reports paid with paid_at once paid', async () => {
      const shop = await newShop(client());
      const id = await placeOrder(client(), shop.buyer, shop.store_id, [{ id: shop.a, count: 1 }]);
      await expectCode(orderAction(client(), '/buyer/pay_to_platform', shop.buyer, id), 200);
      const reply = await expectCode(orderAction(client(), '/buyer/query_order_status', shop.buyer, id), 200);
      expect(reply.body.order_status).toBe('paid');
      expect((reply.body.order as { paid_at: unknown }).paid_at).toMatch(ISO);
    });

    it('answers 518 for an unknown order, 511 for an unknown user, 401 for a wrong password first', async () => {
      const shop = await newShop(client());
      const id = await placeOrder(client(), shop.buyer, shop.store_id, [{ id: shop.a, count: 1 }]);
      const missing = uid('order');
      const notFound = await expectCode(
        orderAction(client(), '/buyer/query_order_status', shop.buyer, missing),
        518,
      );
      expect(notFound.body.message).toContain(missing);
      const ghost = { user_id: uid('nobody'), password: 'x' };
      const noUser = await expectCode(orderAction(client(), '/buyer/query_order_status', ghost, id), 511);
      expect(noUser.body.message).toContain(ghost.user_id);
      const wrong = { user_id: shop.buyer.user_id, password: 'wrong' };
      await expectCode(orderAction(client(), '/buyer/query_order_status', wrong, id), 401);
      await expectCode(orderAction(client(), '/buyer/query_order_status', wrong, uid('order')), 401);
    });
  });

  describe('buyer: query_buyer_all_orders', () => {
    it('answers an empty first page for a buyer without orders', async () => {
      const buyer = await newUser(client());
      const reply = await expectCode(buyerOrders(client(), buyer), 200);
      expect(reply.body).toMatchObject({ orders: [], total: 0, page: 1, page_size: 20 });
    });

    it('lists every order newest first, cancelled ones included', async () => {
      const shop = await newShop(client());
      const [first, second, third] = await orders(client(), shop, 3);
      await expectCode(orderAction(client(), '/buyer/cancel_order', shop.buyer, second ?? ''), 200);
      const reply = await expectCode(buyerOrders(client(), shop.buyer), 200);
      expect(ids(reply)).toEqual([third, second, first]);
      expect(reply.body.total).toBe(3);
      expect((reply.body.orders as Order[]).map((o) => o.status)).toEqual(['unpaid', 'cancelled', 'unpaid']);
    });

    it('pages with page and page_size and reports the total', async () => {
      const shop = await newShop(client());
      const [first, second, third] = await orders(client(), shop, 3);
      const one = await expectCode(buyerOrders(client(), shop.buyer, { page: 1, page_size: 2 }), 200);
      expect(one.body).toMatchObject({ total: 3, page: 1, page_size: 2 });
      expect(ids(one)).toEqual([third, second]);
      const two = await expectCode(buyerOrders(client(), shop.buyer, { page: 2, page_size: 2 }), 200);
      expect(two.body).toMatchObject({ total: 3, page: 2, page_size: 2 });
      expect(ids(two)).toEqual([first]);
      const three = await expectCode(buyerOrders(client(), shop.buyer, { page: 3, page_size: 2 }), 200);
      expect(three.body).toMatchObject({ orders: [], total: 3 });
    });

    it('answers 530 for page 0, page_size 0 or page_size 101', async () => {
      const buyer = await newUser(client());
      await expectCode(buyerOrders(client(), buyer, { page: 0 }), 530);
      await expectCode(buyerOrders(client(), buyer, { page_size: 0 }), 530);
      await expectCode(buyerOrders(client(), buyer, { page_size: 101 }), 530);
      await expectCode(buyerOrders(client(), buyer, { page_size: 100 }), 200);
    });

    it('answers 511 for an unknown user and 401 for a wrong password', async () => {
      const buyer = await newUser(client());
      await expectCode(buyerOrders(client(), { user_id: uid('nobody'), password: 'x' }), 511);
      await expectCode(buyerOrders(client(), { user_id: buyer.user_id, password: 'wrong' }), 401);
    });
  });

  describe('seller: query_one_store_orders', () => {
    it('lists the store’s orders newest first, paged, with the total', async () => {
      const shop = await newShop(client());
      const [first, second, third] = await orders(client(), shop, 3);
      const all = await expectCode(storeOrders(client(), shop.seller, shop.store_id), 200);
      expect(all.body).toMatchObject({ total: 3, page: 1, page_size: 20 });
      expect(ids(all)).toEqual([third, second, first]);
      const two = await expectCode(
        storeOrders(client(), shop.seller, shop.store_id, { page: 2, page_size: 2 }),
        200,
      );
      expect(two.body).toMatchObject({ total: 3, page: 2, page_size: 2 });
      expect(ids(two)).toEqual([first]);
    });

    it('answers an empty list for a store without orders', async () => {
      const seller = await newUser(client());
      const store_id = await newStore(client(), seller, []);
      const reply = await expectCode(storeOrders(client(), seller, store_id), 200);
      expect(reply.body).toMatchObject({ orders: [], total: 0 });
    });

    it('answers 530 for page 0 or page_size 101 on both seller lists', async () => {
      const seller = await newUser(client());
      const store_id = await newStore(client(), seller, []);
      await expectCode(storeOrders(client(), seller, store_id, { page: 0 }), 530);
      await expectCode(storeOrders(client(), seller, store_id, { page_size: 101 }), 530);
      await expectCode(allStoreOrders(client(), seller, { page: 0 }), 530);
      await expectCode(allStoreOrders(client(), seller, { page_size: 101 }), 530);
    });

    it('answers 511, then 513, then 401, then 522, in that order', async () => {
      const shop = await newShop(client());
      const ghost = { user_id: uid('nobody'), password: 'x' };
      const wrong = { user_id: shop.seller.user_id, password: 'wrong' };
      await expectCode(storeOrders(client(), ghost, uid('store')), 511);
      await expectCode(storeOrders(client(), wrong, uid('store')), 513);
      await expectCode(storeOrders(client(), shop.seller, uid('store')), 513);
      await expectCode(storeOrders(client(), wrong, shop.store_id), 401);
      const buyerWrong = { user_id: shop.buyer.user_id, password: 'wrong' };
      await expectCode(storeOrders(client(), buyerWrong, shop.store_id), 401);
      await expectCode(storeOrders(client(), shop.buyer, shop.store_id), 522);
    });
  });

  describe('seller: query_all_store_orders', () => {
    it('lists the orders of every store of the seller newest first, paged', async () => {
      const shop = await newShop(client());
      const a2 = uid('book');
      const second = await newStore(client(), shop.seller, [{ id: a2, price: 7, stock: 9 }]);
      const first = await placeOrder(client(), shop.buyer, shop.store_id, [{ id: shop.a, count: 1 }]);
      await sleep(5);
      const middle = await placeOrder(client(), shop.buyer, second, [{ id: a2, count: 1 }]);
      await sleep(5);
      const last = await placeOrder(client(), shop.buyer, shop.store_id, [{ id: shop.b, count: 1 }]);
      const all = await expectCode(allStoreOrders(client(), shop.seller), 200);
      expect(all.body).toMatchObject({ total: 3, page: 1, page_size: 20 });
      expect(ids(all)).toEqual([last, middle, first]);
      expect((all.body.orders as Order[]).map((o) => o.store_id)).toEqual([
        shop.store_id,
        second,
        shop.store_id,
      ]);
      const page2 = await expectCode(allStoreOrders(client(), shop.seller, { page: 2, page_size: 1 }), 200);
      expect(page2.body).toMatchObject({ total: 3, page: 2, page_size: 1 });
      expect(ids(page2)).toEqual([middle]);
    });

    it('answers 522 for a user who owns no store, also after a refused create_store', async () => {
      const shop = await newShop(client());
      await expectCode(allStoreOrders(client(), shop.buyer), 522);
      await expectCode(
        client().post(
          '/seller/create_store',
          { user_id: shop.buyer.user_id, store_id: shop.store_id },
          { token: shop.buyer.token },
        ),
        514,
      );
      await expectCode(allStoreOrders(client(), shop.buyer), 522);
    });

    it('answers 511 for an unknown user and 401 for a wrong password before 522', async () => {
      const shop = await newShop(client());
      await expectCode(allStoreOrders(client(), { user_id: uid('nobody'), password: 'x' }), 511);
      await expectCode(allStoreOrders(client(), { user_id: shop.seller.user_id, password: 'wrong' }), 401);
      await expectCode(allStoreOrders(client(), { user_id: shop.buyer.user_id, password: 'wrong' }), 401);
    });
  });
}
