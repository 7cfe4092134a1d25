/**
 * Unpaid orders expire: through the auto-cancel endpoint and through the BullMQ worker. The stock
 * comes back exactly once and a late payment answers 526.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants } from '../src/domain/invariants.ts';
import { type Client, expectOk, newStore, newUser } from './support/client.ts';
import { type Harness, startHarness } from './support/harness.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function placeOrder(c: Client) {
  const seller = await newUser(c);
  const store_id = await newStore(c, seller, [{ id: 'b', price: 100, stock: 10 }]);
  const buyer = await newUser(c, 1_000);
  const order = await expectOk(
    c.post(
      '/buyer/new_order',
      { user_id: buyer.user_id, store_id, books: [{ id: 'b', count: 3 }] },
      { token: buyer.token },
    ),
  );
  const stock = async () =>
    (await c.post('/seller/get_stock_level', { store_id, book_id: 'b' })).body.stock_level;
  return { buyer, store_id, order_id: String(order.body.order_id), stock };
}

describe('expiry through the auto-cancel endpoint', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ ORDER_TIMEOUT_SECONDS: 1 });
  });
  afterAll(() => h.close());

  it('leaves an order alone before its deadline and cancels it after, returning its stock once', async () => {
    const c = h.client;
    const o = await placeOrder(c);
    expect(await o.stock()).toBe(7);
    expect((await c.post('/buyer/auto_cancel_expired_orders', {})).body.cancelled).toBe(0);
    await sleep(1100);
    expect((await c.post('/buyer/auto_cancel_expired_orders', {})).body.cancelled).toBe(1);
    expect((await c.post('/buyer/auto_cancel_expired_orders', {})).body.cancelled).toBe(0);
    expect(await o.stock()).toBe(10);
    const status = await c.post('/buyer/query_order_status', {
      user_id: o.buyer.user_id,
      password: o.buyer.password,
      order_id: o.order_id,
    });
    expect(status.body.order_status).toBe('cancelled');
    expect(status.body.order).toMatchObject({ cancel_reason: 'expired' });
    const pay = await c.post('/buyer/pay_to_platform', {
      user_id: o.buyer.user_id,
      password: o.buyer.password,
      order_id: o.order_id,
    });
    expect(pay.status).toBe(526);
    expect(
      (await c.post('/buyer/query_balance', { user_id: o.buyer.user_id, password: o.buyer.password })).body
        .balance,
    ).toBe(1_000);
  });

  it('cancels an order paid after its deadline but before any worker ran: 526, stock back, no charge', async () => {
    const c = h.client;
    const o = await placeOrder(c);
    await sleep(1100);
    const pay = await c.post('/buyer/pay_to_platform', {
      user_id: o.buyer.user_id,
      password: o.buyer.password,
      order_id: o.order_id,
    });
    expect(pay.status).toBe(526);
    expect(await o.stock()).toBe(10);
    expect(
      (await c.post('/buyer/query_balance', { user_id: o.buyer.user_id, password: o.buyer.password })).body
        .balance,
    ).toBe(1_000);
  });
});

describe('expiry through the BullMQ worker', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ ORDER_TIMEOUT_SECONDS: 1, worker: true });
  });
  afterAll(() => h.close());

  it('cancels an unpaid order within two seconds of its deadline and returns its stock', async () => {
    const c = h.client;
    const o = await placeOrder(c);
    const paid = await placeOrder(c);
    await expectOk(
      c.post('/buyer/pay_to_platform', {
        user_id: paid.buyer.user_id,
        password: paid.buyer.password,
        order_id: paid.order_id,
      }),
    );
    const patience = Date.now() + 5000;
    while ((await o.stock()) !== 10 && Date.now() < patience) await sleep(50);
    expect(await o.stock()).toBe(10);
    expect(await paid.stock()).toBe(7);
    const status = await c.post('/buyer/query_order_status', {
      user_id: o.buyer.user_id,
      password: o.buyer.password,
      order_id: o.order_id,
    });
    const order = status.body.order as Record<string, string>;
    expect(order).toMatchObject({ status: 'cancelled', cancel_reason: 'expired' });
    // Within two seconds of the deadline, by the server's own timestamps.
    const late = Date.parse(order.cancelled_at ?? '') - Date.parse(order.expires_at ?? '');
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThanOrEqual(2000);
    expect((await checkInvariants(h.redis, h.deps.keys, Date.now())).problems).toEqual([]);
  });
});

describe('a payment racing the deadline', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ ORDER_TIMEOUT_SECONDS: 1, worker: true });
  });
  afterAll(() => h.close());

  it('has exactly one outcome for each of 40 orders: paid (200) or cancelled (526), never both', async () => {
    const c = h.client;
    const seller = await newUser(c);
    const store_id = await newStore(c, seller, [{ id: 'b', price: 100, stock: 1000 }]);
    const buyers = await Promise.all(Array.from({ length: 8 }, () => newUser(c, 100_000)));
    const placed = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const buyer = buyers[i % buyers.length] ?? buyers[0];
        if (!buyer) throw new Error('no buyer');
        const r = await expectOk(
          c.post(
            '/buyer/new_order',
            { user_id: buyer.user_id, store_id, books: [{ id: 'b', count: 1 }] },
            { token: buyer.token },
          ),
        );
        return { buyer, order_id: String(r.body.order_id) };
      }),
    );
    // Warm the password cache, and learn each deadline, so each payment lands within ±50 ms of it.
    const deadlines = await Promise.all(
      placed.map(async (p) => {
        const r = await c.post('/buyer/query_order_status', {
          user_id: p.buyer.user_id,
          password: p.buyer.password,
          order_id: p.order_id,
        });
        return Date.parse(String((r.body.order as { expires_at: string }).expires_at));
      }),
    );
    let racing = true;
    const sweeper = (async () => {
      while (racing) await c.post('/buyer/auto_cancel_expired_orders', {});
    })();
    const outcomes = await Promise.all(
      placed.map(async (p, i) => {
        await sleep(Math.max(0, (deadlines[i] ?? 0) - 50 + ((i * 37) % 100) - Date.now()));
        const pay = await c.post('/buyer/pay_to_platform', {
          user_id: p.buyer.user_id,
          password: p.buyer.password,
          order_id: p.order_id,
        });
        return { ...p, payStatus: pay.status };
      }),
    );
    racing = false;
    await sweeper;
    await sleep(1500);
    let paid = 0;
    for (const o of outcomes) {
      const status = await c.post('/buyer/query_order_status', {
        user_id: o.buyer.user_id,
        password: o.buyer.password,
        order_id: o.order_id,
      });
      expect([200, 526]).toContain(o.payStatus);
      expect(status.body.order_status).toBe(o.payStatus === 200 ? 'paid' : 'cancelled');
      // The side of the deadline each outcome was decided on, by the server's clock.
      const order = status.body.order as Record<string, string>;
      const [deadline, paidAt, cancelledAt] = [order.expires_at, order.paid_at, order.cancelled_at].map((t) =>
        Date.parse(t ?? ''),
      );
      if (o.payStatus === 200) expect(paidAt, o.order_id).toBeLessThan(deadline ?? 0);
      else {
        expect(order.cancel_reason).toBe('expired');
        expect(cancelledAt, o.order_id).toBeGreaterThanOrEqual(deadline ?? Number.NaN);
      }
      if (o.payStatus === 200) paid++;
    }
    if (process.env.RACE_VERBOSE) console.log(`paid ${paid} of ${outcomes.length}`);
    expect((await c.post('/seller/get_stock_level', { store_id, book_id: 'b' })).body.stock_level).toBe(
      1000 - paid,
    );
    expect((await checkInvariants(h.redis, h.deps.keys, Date.now(), 0)).problems).toEqual([]);
  });
});
