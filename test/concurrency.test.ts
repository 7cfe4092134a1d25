/**
 * Concurrency claims, each with a test that would fail without the mechanism: parallel orders never
 * oversell (one atomic reserve script per order), a full mailbox refuses without effect, and a
 * randomized concurrent mix leaves the money and stock invariants exact.
 *
 * Correctness never depends on the actor (DESIGN.md §2): with one app instance, its store actor
 * serialises the orders of a store, so an oversell test would pass even with a reserve that reads
 * and then writes in two steps. With two instances (two actor systems, two Redis connections, one
 * key space) two actors for the same store and user run at once, and only the scripts' atomicity
 * keeps the counts exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants } from '../src/domain/invariants.ts';
import { expectOk, newStore, newUser, roundRobin } from './support/client.ts';
import { closeAll, type Harness, startHarness, startHarnesses } from './support/harness.ts';
import { prng } from './support/prng.ts';

// Under a reserve split into a read and a write (the check no longer atomic with the decrement), a
// round through two instances oversold in about half of the trials (the two actors' reads of the last
// unit must interleave); eight fresh rounds make a miss unlikely (≈ 0.5^8). One instance never
// oversold: its actor serialises the store. Atomic scripts sell exactly 50 in every round.
describe.each([
  { instances: 1, rounds: 1 },
  { instances: 2, rounds: 8 },
])('parallel orders through $instances app instance(s)', ({ instances, rounds }) => {
  let hs: Harness[];
  beforeAll(async () => {
    hs = await startHarnesses(instances);
  });
  afterAll(() => closeAll(hs));

  it(`sells exactly 50 of 200 parallel orders of 1 on a stock of 50, ${rounds} store(s) in turn; the other 150 get 517`, async () => {
    const [h] = hs;
    if (!h) throw new Error('no instance');
    const c = h.client;
    const seller = await newUser(c);
    const buyers = await Promise.all(Array.from({ length: 20 }, () => newUser(c)));
    // Request i goes to instance i mod N: each instance's actor for the store gets its share at once.
    const spread = roundRobin(hs.map((x) => x.client));
    const outcomes: { sold: number; refused: number; stock: unknown }[] = [];
    for (let round = 0; round < rounds; round++) {
      const store_id = await newStore(c, seller, [{ id: 'hot', price: 10, stock: 50 }]);
      const replies = await Promise.all(
        Array.from({ length: 200 }, (_, i) => {
          const b = buyers[i % buyers.length];
          if (!b) throw new Error('no buyer');
          return spread.post(
            '/buyer/new_order',
            { user_id: b.user_id, store_id, books: [{ id: 'hot', count: 1 }] },
            { token: b.token },
          );
        }),
      );
      const level = await c.post('/seller/get_stock_level', { store_id, book_id: 'hot' });
      outcomes.push({
        sold: replies.filter((r) => r.status === 200).length,
        refused: replies.filter((r) => r.status === 517).length,
        stock: level.body.stock_level,
      });
    }
    expect(outcomes).toEqual(Array.from({ length: rounds }, () => ({ sold: 50, refused: 150, stock: 0 })));
    expect((await checkInvariants(h.redis, h.deps.keys, Date.now())).problems).toEqual([]);
  });
});

describe('overload', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ MAILBOX_CAPACITY: 2 });
  });
  afterAll(() => h.close());

  it('answers 503 with Retry-After when a store mailbox is full, and those requests change nothing', async () => {
    const c = h.client;
    const seller = await newUser(c);
    const store_id = await newStore(c, seller, [{ id: 'b', price: 1, stock: 1000 }]);
    const buyer = await newUser(c);
    const replies = await Promise.all(
      Array.from({ length: 100 }, () =>
        c.post(
          '/buyer/new_order',
          { user_id: buyer.user_id, store_id, books: [{ id: 'b', count: 1 }] },
          { token: buyer.token },
        ),
      ),
    );
    const busy = replies.filter((r) => r.status === 503);
    const done = replies.filter((r) => r.status === 200);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy.length + done.length).toBe(100);
    expect(busy.every((r) => r.headers.get('retry-after') === '1' && r.body.code === 503)).toBe(true);
    const level = await c.post('/seller/get_stock_level', { store_id, book_id: 'b' });
    expect(level.body.stock_level).toBe(1000 - done.length);
  });
});

describe('randomized concurrent mix through two app instances', () => {
  let hs: Harness[];
  beforeAll(async () => {
    hs = await startHarnesses(2, { ORDER_TIMEOUT_SECONDS: 1 });
  });
  afterAll(() => closeAll(hs));

  it('keeps money and stock exact after 2,400 concurrent operations by 30 users', async () => {
    const [h] = hs;
    if (!h) throw new Error('no instance');
    // Requests alternate between the instances, so every store and user has an actor in each.
    const c = roundRobin(hs.map((x) => x.client));
    const seed = Number(process.env.MIX_SEED ?? Date.now() % 100000);
    const random = prng(seed);
    const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)] as T;
    const sellers = await Promise.all(Array.from({ length: 5 }, () => newUser(c)));
    const stores = await Promise.all(
      sellers.map(async (seller) => ({
        seller,
        store_id: await newStore(
          c,
          seller,
          ['a', 'b', 'c', 'd'].map((id, i) => ({ id, price: 100 * (i + 1), stock: 30 })),
        ),
      })),
    );
    const buyers = await Promise.all(Array.from({ length: 25 }, () => newUser(c, 5_000)));
    const orders: { buyer: (typeof buyers)[number]; order_id: string; store: (typeof stores)[number] }[] = [];
    const seen = new Map<string, number>();
    const count = (name: string, status: number) =>
      seen.set(`${name} ${status}`, (seen.get(`${name} ${status}`) ?? 0) + 1);
    // What the clients were told took effect: the invariant checker must find exactly this.
    let deposited = buyers.length * 5_000;
    const supplied = new Map<string, number>();

    const operation = async () => {
      const roll = random();
      const buyer = pick(buyers);
      const store = pick(stores);
      if (roll < 0.3) {
        const books = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
          id: pick(['a', 'b', 'c', 'd']),
          count: 1 + Math.floor(random() * 3),
        }));
        const r = await c.post(
          '/buyer/new_order',
          { user_id: buyer.user_id, store_id: store.store_id, books },
          { token: buyer.token },
        );
        count('new_order', r.status);
        if (r.status === 200) orders.push({ buyer, order_id: String(r.body.order_id), store });
        return;
      }
      const order = orders.length ? pick(orders) : undefined;
      const action = {
        user_id: order?.buyer.user_id,
        password: order?.buyer.password,
        order_id: order?.order_id,
      };
      if (roll < 0.5 && order) count('pay', (await c.post('/buyer/pay_to_platform', action)).status);
      else if (roll < 0.58 && order) count('cancel', (await c.post('/buyer/cancel_order', action)).status);
      else if (roll < 0.68 && order) {
        const { seller, store_id } = order.store;
        count(
          'ship',
          (
            await c.post(
              '/seller/ship',
              { user_id: seller.user_id, store_id, order_id: order.order_id },
              { token: seller.token },
            )
          ).status,
        );
      } else if (roll < 0.8 && order)
        count('confirm', (await c.post('/buyer/confirm_receipt_and_pay_toseller', action)).status);
      else if (roll < 0.88) {
        const add_value =
          random() < 0.7 ? 1 + Math.floor(random() * 2000) : -(1 + Math.floor(random() * 3000));
        const r = await c.post('/buyer/add_funds', {
          user_id: buyer.user_id,
          password: buyer.password,
          add_value,
        });
        count('add_funds', r.status);
        if (r.status === 200) deposited += add_value;
      } else if (roll < 0.94) {
        const { seller, store_id } = store;
        const book_id = pick(['a', 'b', 'c', 'd']);
        const add_stock_level = 1 + Math.floor(random() * 5);
        const r = await c.post(
          '/seller/add_stock_level',
          { user_id: seller.user_id, store_id, book_id, add_stock_level },
          { token: seller.token },
        );
        count('add_stock', r.status);
        const key = `${store_id}/${book_id}`;
        if (r.status === 200) supplied.set(key, (supplied.get(key) ?? 0) + add_stock_level);
      } else count('auto_cancel', (await c.post('/buyer/auto_cancel_expired_orders', {})).status);
    };

    const total = 2400;
    let started = 0;
    const lane = async () => {
      while (started < total) {
        started++;
        await operation();
      }
    };
    await Promise.all(Array.from({ length: 32 }, lane));
    await new Promise((r) => setTimeout(r, 1100));
    await expectOk(c.post('/buyer/auto_cancel_expired_orders', {}));

    const summary = Object.fromEntries([...seen].sort());
    if (process.env.MIX_VERBOSE) console.log(seed, summary);
    const report = await checkInvariants(h.redis, h.deps.keys, Date.now(), 0);
    expect(report.problems, `seed ${seed}: ${JSON.stringify(summary)}`).toEqual([]);
    // Every top-up and withdrawal answered 200 took effect once, and no other did; likewise restocks.
    expect(report.money.deposited).toBe(deposited);
    for (const { store_id } of stores) {
      const levels = await h.redis.hgetall(h.deps.keys.supplied(store_id));
      for (const book of ['a', 'b', 'c', 'd'])
        expect(Number(levels[book]), `${store_id}/${book}`).toBe(
          30 + (supplied.get(`${store_id}/${book}`) ?? 0),
        );
    }
    // The mix must really have exercised each path.
    for (const key of [
      'new_order 200',
      'pay 200',
      'cancel 200',
      'ship 200',
      'confirm 200',
      'new_order 517',
    ]) {
      expect(seen.get(key) ?? 0, `${key} in ${JSON.stringify(summary)}`).toBeGreaterThan(0);
    }
    expect([...seen.keys()].filter((k) => / 5\d\d$/.test(k) && !/ 5(1\d|2\d|30)$/.test(k))).toEqual([]);
  });
});
