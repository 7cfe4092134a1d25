/**
 * Idempotency-Key: one effect per key, replays marked `Idempotent-Replayed: true`, 422 for the key
 * with another body, 409 while the first runs, and the record written atomically with the effect.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOrder } from '../src/domain/orders.ts';
import { runScript } from '../src/lua/call.ts';
import { Code } from '../src/lua/codes.ts';
import { type Client, expectOk, newStore, newUser, uid } from './support/client.ts';
import { type Harness, startHarness } from './support/harness.ts';

let h: Harness;
let c: Client;
beforeAll(async () => {
  h = await startHarness();
  c = h.client;
});
afterAll(() => h.close());

const balanceOf = async (u: { user_id: string; password: string }) =>
  (await c.post('/buyer/query_balance', { user_id: u.user_id, password: u.password })).body.balance;

describe('Idempotency-Key', () => {
  it('applies add_funds once for two requests with the same key, replaying the first answer', async () => {
    const u = await newUser(c);
    const key = { 'Idempotency-Key': uid('key') };
    const body = { user_id: u.user_id, password: u.password, add_value: 5 };
    const first = await c.post('/buyer/add_funds', body, key);
    const second = await c.post('/buyer/add_funds', body, key);
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(await balanceOf(u)).toBe(5);
  });

  it('answers 422 for the same key with another body, and changes nothing', async () => {
    const u = await newUser(c);
    const key = { 'Idempotency-Key': uid('key') };
    await expectOk(
      c.post('/buyer/add_funds', { user_id: u.user_id, password: u.password, add_value: 5 }, key),
    );
    const other = await c.post(
      '/buyer/add_funds',
      { user_id: u.user_id, password: u.password, add_value: 7 },
      key,
    );
    expect(other.status).toBe(422);
    expect(other.body.code).toBe(422);
    expect(await balanceOf(u)).toBe(5);
  });

  it('keeps keys apart per user', async () => {
    const [a, b] = [await newUser(c), await newUser(c)];
    const key = { 'Idempotency-Key': uid('shared') };
    await expectOk(
      c.post('/buyer/add_funds', { user_id: a.user_id, password: a.password, add_value: 3 }, key),
    );
    const r = await c.post(
      '/buyer/add_funds',
      { user_id: b.user_id, password: b.password, add_value: 4 },
      key,
    );
    expect(r.headers.get('idempotent-replayed')).toBeNull();
    expect([await balanceOf(a), await balanceOf(b)]).toEqual([3, 4]);
  });

  it('replays a refusal too: a payment that failed with 519 answers 519 again without a second try', async () => {
    const seller = await newUser(c);
    const store_id = await newStore(c, seller, [{ id: 'b', price: 100, stock: 5 }]);
    const buyer = await newUser(c, 50);
    const order = await expectOk(
      c.post(
        '/buyer/new_order',
        { user_id: buyer.user_id, store_id, books: [{ id: 'b', count: 1 }] },
        { token: buyer.token },
      ),
    );
    const pay = { user_id: buyer.user_id, password: buyer.password, order_id: order.body.order_id };
    const key = { 'Idempotency-Key': uid('pay') };
    expect((await c.post('/buyer/pay_to_platform', pay, key)).status).toBe(519);
    await expectOk(
      c.post('/buyer/add_funds', { user_id: buyer.user_id, password: buyer.password, add_value: 100 }),
    );
    const again = await c.post('/buyer/pay_to_platform', pay, key);
    expect(again.status).toBe(519);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await balanceOf(buyer)).toBe(150);
  });

  it('creates one order for 20 concurrent new_order requests with one key; all that succeed name it', async () => {
    const seller = await newUser(c);
    const store_id = await newStore(c, seller, [{ id: 'b', price: 10, stock: 100 }]);
    const buyer = await newUser(c);
    const headers = { token: buyer.token, 'Idempotency-Key': uid('order') };
    const body = { user_id: buyer.user_id, store_id, books: [{ id: 'b', count: 2 }] };
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => c.post('/buyer/new_order', body, headers)),
    );
    const ok = replies.filter((r) => r.status === 200);
    expect(ok.length).toBeGreaterThan(0);
    expect(replies.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    expect(new Set(ok.map((r) => r.body.order_id)).size).toBe(1);
    const later = await c.post('/buyer/new_order', body, headers);
    expect(later.body.order_id).toBe(ok[0]?.body.order_id);
    expect(later.headers.get('idempotent-replayed')).toBe('true');
    expect((await c.post('/seller/get_stock_level', { store_id, book_id: 'b' })).body.stock_level).toBe(98);
  });

  it('refuses a replay of a token endpoint to a caller without the user token (401)', async () => {
    const seller = await newUser(c);
    const headers = { token: seller.token, 'Idempotency-Key': uid('store') };
    const body = { user_id: seller.user_id, store_id: uid('store') };
    await expectOk(c.post('/seller/create_store', body, headers));
    const replay = await c.post('/seller/create_store', body, { ...headers, token: 'forged' });
    expect(replay.status).toBe(401);
    expect((await c.post('/seller/create_store', body, headers)).headers.get('idempotent-replayed')).toBe(
      'true',
    );
  });

  it('replays an effect whose answer was never stored (process died after the script): no second effect', async () => {
    const u = await newUser(c, 10);
    const key = uid('crash');
    const body = { user_id: u.user_id, password: u.password, add_value: 6 };
    // What the first request got through before dying: begin, then the effect script with its mark.
    const fingerprint = createHash('sha256')
      .update('/buyer/add_funds\n')
      .update(JSON.stringify(body))
      .digest('hex');
    const epoch = (await h.redis.hget(h.deps.keys.user(u.user_id), 'epoch')) ?? '';
    const begin = { leaseMs: 30_000, now: Date.now(), maxKeys: 100, check: { epoch } };
    const begun = await runScript(h.redis, h.deps.scripts.idemBegin(u.user_id, key, fingerprint, begin));
    expect(begun.code).toBe(Code.OK);
    const answer = JSON.stringify({ code: 200, message: 'ok' });
    await h.deps.actors.send(h.deps.scripts.addFunds(u.user_id, epoch, 6, { user: u.user_id, key, answer }));
    const retry = await c.post('/buyer/add_funds', body, { 'Idempotency-Key': key });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await balanceOf(u)).toBe(16);
  });

  it('replays an order whose answer was never stored: the same order id, no second order', async () => {
    const seller = await newUser(c);
    const store_id = await newStore(c, seller, [{ id: 'b', price: 10, stock: 10 }]);
    const buyer = await newUser(c);
    const key = uid('crash-order');
    const body = { user_id: buyer.user_id, store_id, books: [{ id: 'b', count: 3 }] };
    const fingerprint = createHash('sha256')
      .update('/buyer/new_order\n')
      .update(JSON.stringify(body))
      .digest('hex');
    // What the first request got through before dying: begin, then the whole order with its mark.
    const proof = await h.deps.guard.proof(buyer.user_id, buyer.token);
    const begun = await runScript(
      h.redis,
      h.deps.scripts.idemBegin(buyer.user_id, key, fingerprint, {
        leaseMs: 30_000,
        now: Date.now(),
        maxKeys: 100,
        check: proof,
      }),
    );
    expect(begun.code).toBe(Code.OK);
    const orderId = await newOrder(h.deps, buyer.user_id, store_id, body.books, proof, {
      user: buyer.user_id,
      key,
      answer: JSON.stringify({ code: 200, message: 'ok' }),
    });
    const retry = await c.post('/buyer/new_order', body, { token: buyer.token, 'Idempotency-Key': key });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.order_id).toBe(orderId);
    expect((await c.post('/seller/get_stock_level', { store_id, book_id: 'b' })).body.stock_level).toBe(7);
  });

  it('answers 530 for an empty or overlong key', async () => {
    const u = await newUser(c);
    const body = { user_id: u.user_id, password: u.password, add_value: 1 };
    expect((await c.post('/buyer/add_funds', body, { 'Idempotency-Key': 'x'.repeat(256) })).status).toBe(530);
    expect(await balanceOf(u)).toBe(0);
  });
});
