/**
 * How an order is kept in Redis: its hash in the buyer's slot and its lines once, in the store's
 * reservation, both small enough for Redis's compact listpack encoding (the memory budget of an
 * order). Orders recorded in the two earlier formats (lines as one JSON field `items`, in the order
 * and the reservation, or in the reservation only) still read the same and still expire with their
 * stock returned exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants } from '../src/domain/invariants.ts';
import { type Client, expectOk, newStore, newUser } from './support/client.ts';
import { type Harness, startHarness } from './support/harness.ts';

const BOOKS = [
  { id: 'a-book-with-a-rather-long-id-0001', price: 1250, stock: 100 },
  { id: 'b', price: 300, stock: 100 },
  { id: 'c d', price: 7, stock: 100 },
];

describe('order records', () => {
  let h: Harness;
  let c: Client;
  let seller: Awaited<ReturnType<typeof newUser>>;
  let buyer: Awaited<ReturnType<typeof newUser>>;
  let store_id: string;
  const stock = async (book_id: string) =>
    (await c.post('/seller/get_stock_level', { store_id, book_id })).body.stock_level;
  const status = async (order_id: string) =>
    (
      await c.post('/buyer/query_order_status', {
        user_id: buyer.user_id,
        password: buyer.password,
        order_id,
      })
    ).body;

  beforeAll(async () => {
    h = await startHarness();
    c = h.client;
    seller = await newUser(c);
    buyer = await newUser(c, 1_000_000);
    store_id = await newStore(c, seller, BOOKS);
  });
  afterAll(() => h.close());

  it('keeps an order and its reservation as listpacks, with the lines in their order', async () => {
    const books = [
      { id: 'c d', count: 3 },
      { id: BOOKS[0]?.id ?? '', count: 2 },
      { id: 'b', count: 1 },
    ];
    const placed = await expectOk(
      c.post('/buyer/new_order', { user_id: buyer.user_id, store_id, books }, { token: buyer.token }),
    );
    const order_id = String(placed.body.order_id);
    expect(order_id).toMatch(/^[\w-]{16}$/);
    const orderKey = h.deps.keys.order(buyer.user_id, order_id);
    const resvKey = h.deps.keys.reservation(store_id, order_id);
    expect(await h.redis.call('OBJECT', 'ENCODING', orderKey)).toBe('listpack');
    expect(await h.redis.call('OBJECT', 'ENCODING', resvKey)).toBe('listpack');
    const body = await status(order_id);
    expect(body.order).toMatchObject({
      buyer_id: buyer.user_id,
      store_id,
      amount: 3 * 7 + 2 * 1250 + 300,
      items: [
        { book_id: 'c d', count: 3, price: 7 },
        { book_id: BOOKS[0]?.id, count: 2, price: 1250 },
        { book_id: 'b', count: 1, price: 300 },
      ],
    });
    await expectOk(
      c.post('/buyer/pay_to_platform', { user_id: buyer.user_id, password: buyer.password, order_id }),
    );
    expect(await h.redis.call('OBJECT', 'ENCODING', orderKey)).toBe('listpack');
    expect((await status(order_id)).order_status).toBe('paid');
  });

  /** Writes an unpaid order past its deadline as an earlier version did, stock reserved. */
  async function legacyOrder(order_id: string, itemsInOrder: boolean) {
    const k = h.deps.keys;
    const items = [
      ['b', '4', '300'],
      ['c d', '5', '7'],
    ];
    const now = Date.now();
    const created = now - 60_000;
    const itemsJson = JSON.stringify(items);
    await h.redis.hincrby(k.stock(store_id), 'b', -4);
    await h.redis.hincrby(k.stock(store_id), 'c d', -5);
    await h.redis.hset(k.reservation(store_id, order_id), {
      buyer: buyer.user_id,
      state: 'held',
      items: itemsJson,
      amount: '1235',
      created_at: String(created),
    });
    await h.redis.zadd(k.storeOrders(store_id), created, order_id);
    await h.redis.zadd(k.due(store_id), now - 1000, order_id);
    await h.redis.hset(k.order(buyer.user_id, order_id), {
      status: 'unpaid',
      buyer: buyer.user_id,
      store: store_id,
      seller: seller.user_id,
      amount: '1235',
      escrow: '0',
      created_at: String(created),
      expires_at: String(now - 1000),
      ...(itemsInOrder ? { items: itemsJson } : {}),
    });
    await h.redis.zadd(k.buyerOrders(buyer.user_id), created, order_id);
  }

  it.each([
    ['lines in the order and the reservation', true],
    ['lines in the reservation only', false],
  ])('reads and expires an order of an earlier format (%s)', async (_name, itemsInOrder) => {
    const order_id = `legacy-${itemsInOrder}`;
    const before = { b: await stock('b'), cd: await stock('c d') };
    await legacyOrder(order_id, itemsInOrder);
    expect(await stock('b')).toBe(Number(before.b) - 4);
    const unpaid = await status(order_id);
    expect(unpaid.order).toMatchObject({
      status: 'unpaid',
      buyer_id: buyer.user_id,
      amount: 1235,
      items: [
        { book_id: 'b', count: 4, price: 300 },
        { book_id: 'c d', count: 5, price: 7 },
      ],
    });
    expect((await c.post('/buyer/auto_cancel_expired_orders', {})).body.cancelled).toBe(1);
    expect((await c.post('/buyer/auto_cancel_expired_orders', {})).body.cancelled).toBe(0);
    expect({ b: await stock('b'), cd: await stock('c d') }).toEqual(before);
    expect((await status(order_id)).order_status).toBe('cancelled');
    expect((await checkInvariants(h.redis, h.deps.keys, Date.now())).problems).toEqual([]);
  });
});
