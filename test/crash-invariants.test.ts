/**
 * The after-crash checks (src/domain/invariants.ts, run by the crash tests and `npm run check`) see
 * what a crash can leave behind: a new_order that died between its reserve step and its order step
 * (DESIGN.md §4) leaves stock held for an order that does not exist, which the stock sum cannot see
 * (the stock counts as held, so it balances). Reported once the expiry job had its chance, with the
 * ids it concerns, until reconcile() releases it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardOf } from '../src/domain/expiry.ts';
import { checkInvariants } from '../src/domain/invariants.ts';
import { reconcile } from '../src/domain/reconcile.ts';
import { expectOk, newStore, newUser } from './support/client.ts';
import { type Harness, startHarness } from './support/harness.ts';

const TIMEOUT_MS = 900_000;

describe('invariants after a crash', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('reports stock held for an order never created (missing, then void) until it is released', async () => {
    const seller = await newUser(h.client);
    const buyer = await newUser(h.client);
    const store = await newStore(h.client, seller, [{ id: 'b', price: 100, stock: 10 }]);
    const orderId = 'crafted{o}:%*?-書';
    const reservedAt = Date.now();
    // The reserve step of new_order, and then the process died: no order step, no expiry job ran.
    const reserve = await h.deps.actors.send(
      h.deps.scripts.reserveStock(store, {
        orderId,
        buyer: buyer.user_id,
        now: reservedAt,
        deadline: reservedAt + TIMEOUT_MS,
        lines: [['b', 3]],
      }),
    );
    expect(reserve.code).toBe(0);
    const check = (now: number) => checkInvariants(h.redis, h.deps.keys, now, 1000, TIMEOUT_MS);
    const ids = { orderId, buyer: buyer.user_id, store };

    // Within the payment deadline (plus grace) the expiry job may still release it: not a problem.
    expect((await check(reservedAt + TIMEOUT_MS)).problems).toEqual([]);
    const late = reservedAt + TIMEOUT_MS + 1001;
    expect((await check(late)).findings).toEqual([
      { message: `reservation ${orderId} in ${store} held but its order is missing`, ...ids },
    ]);

    // The tombstone written, the release not yet done (the job died between the two).
    const tombstone = h.deps.scripts.expireOrder(buyer.user_id, orderId, late, 60_000);
    expect((await h.deps.actors.continue(tombstone)).status).toBe('void');
    expect((await check(late)).problems).toEqual([
      `reservation ${orderId} in ${store} held but its order is void`,
    ]);

    await reconcile(h.deps, { orderId, buyer: buyer.user_id, store });
    expect((await check(late)).problems).toEqual([]);
    const level = await h.client.post('/seller/get_stock_level', { store_id: store, book_id: 'b' });
    expect(level.body.stock_level).toBe(10);
  });

  it("reports an unpaid order the expiry sweep cannot find: off its store's due list, or the store off its shard's", async () => {
    const seller = await newUser(h.client);
    const buyer = await newUser(h.client);
    const store = await newStore(h.client, seller, [{ id: 'b', price: 100, stock: 10 }]);
    const placed = await expectOk(
      h.client.post(
        '/buyer/new_order',
        { user_id: buyer.user_id, store_id: store, books: [{ id: 'b', count: 1 }] },
        { token: buyer.token },
      ),
    );
    const orderId = String(placed.body.order_id);
    const ids = { orderId, buyer: buyer.user_id, store };
    const check = () => checkInvariants(h.redis, h.deps.keys, Date.now(), 1000, TIMEOUT_MS);
    expect((await check()).problems).toEqual([]);

    const listed = h.deps.keys.sweepStores(shardOf(store));
    await h.redis.srem(listed, store);
    expect((await check()).findings).toEqual([
      { message: `store ${store} is not on its expiry sweep's list`, ...ids },
    ]);
    await h.redis.sadd(listed, store);

    await h.redis.zrem(h.deps.keys.due(store), orderId);
    expect((await check()).findings).toEqual([
      {
        message: `reservation ${orderId} in ${store} held for an order unpaid without a deadline on the store's due list`,
        ...ids,
      },
    ]);
  });
});
