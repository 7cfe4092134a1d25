/**
 * The checkout's cost in Redis round trips (DESIGN.md §4, cost budget), counted, not read off the
 * code: every command the app sends while serving one request is recorded (send and reply order);
 * a command sent after another's reply came back is one round trip deeper. new_order takes 2
 * sequential round trips, pay_to_platform with a cached password 1 while this process trusts the
 * (user, address) pair's last clean wrong-password limit check (PASSWORD_LIMIT_TRUST_MS), else 2 (that
 * check's two scripts go together, then the payment), and an Idempotency-Key adds at most one. Also:
 * what the two-step order does with a token that is refused in its second step.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Client, expectOk, newStore, newUser } from './support/client.ts';
import { type Harness, startHarness } from './support/harness.ts';

interface Sent {
  name: string;
  sent: number;
  replied: number;
}

/** The commands of the request in progress (the async context of `counted`). */
const requestLog = new AsyncLocalStorage<Sent[]>();
let clock = 0;

// Every ioredis connection (a single node's, or each node's of a cluster) sends through here.
const send = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function (this: Redis, command, ...rest) {
  const log = requestLog.getStore();
  if (log) {
    const entry: Sent = { name: command.name, sent: ++clock, replied: Number.POSITIVE_INFINITY };
    log.push(entry);
    const settled = () => {
      entry.replied = ++clock;
    };
    command.promise.then(settled, settled);
  }
  return send.call(this, command, ...rest);
} as typeof send;

/** The longest chain of commands each sent after the previous one's reply. */
function roundTrips(log: Sent[]): number {
  const depth = new Map<Sent, number>();
  for (const c of [...log].sort((a, b) => a.sent - b.sent)) {
    const before = log.filter((p) => p.replied < c.sent).map((p) => depth.get(p) ?? 0);
    depth.set(c, 1 + Math.max(0, ...before));
  }
  return Math.max(0, ...depth.values());
}

/** Sends one request and returns its reply with the Redis commands it waited for. */
async function counted(c: Client, path: string, body: unknown, headers: Record<string, string> = {}) {
  const log: Sent[] = [];
  const reply = await requestLog.run(log, () => c.post(path, body, headers));
  return { reply, commands: log.map((s) => s.name), roundTrips: roundTrips(log) };
}

describe('Redis round trips of the checkout', () => {
  let h: Harness;
  let c: Client;
  let store_id: string;
  let buyer: Awaited<ReturnType<typeof newUser>>;
  beforeAll(async () => {
    // A right password's clean limit check is trusted for the whole test (1 s by default).
    h = await startHarness({ limits: { PASSWORD_LIMIT_TRUST_MS: 3_600_000 } });
    c = h.client;
    const seller = await newUser(c);
    store_id = await newStore(c, seller, [{ id: 'b', price: 10, stock: 100 }]);
    buyer = await newUser(c, 10_000);
    // Warm the password cache: pay then needs no read of the password hash.
    await expectOk(c.post('/buyer/query_balance', { user_id: buyer.user_id, password: buyer.password }));
  });
  afterAll(async () => {
    Redis.prototype.sendCommand = send;
    await h.close();
  });

  const order = (headers: Record<string, string> = {}) =>
    counted(
      c,
      '/buyer/new_order',
      { user_id: buyer.user_id, store_id, books: [{ id: 'b', count: 2 }] },
      { token: buyer.token, ...headers },
    );
  const pay = (order_id: unknown, headers: Record<string, string> = {}) =>
    counted(
      c,
      '/buyer/pay_to_platform',
      { user_id: buyer.user_id, password: buyer.password, order_id },
      headers,
    );

  it('new_order: 2 sequential round trips (reserve, then create with the token check)', async () => {
    const placed = await order();
    expect(placed.reply.status).toBe(200);
    expect(placed.roundTrips).toBe(2);
    expect(placed.commands).toEqual(['evalsha', 'evalsha']);
  });

  it('pay_to_platform with a cached password: 2 round trips (the guess limit, the payment) after a wrong password, then 1 while that check is trusted; its deadline is dropped in the background', async () => {
    // A wrong password from this address ends the trust in the pair's last clean check.
    const wrong = { user_id: buyer.user_id, password: `${buyer.password}-wrong` };
    expect((await c.post('/buyer/query_balance', wrong)).status).toBe(401);
    const first = await pay((await order()).reply.body.order_id);
    expect(first.reply.status).toBe(200);
    expect(first.roundTrips).toBe(2);
    expect(first.commands).toEqual(['evalsha', 'evalsha', 'evalsha']);
    const placed = await order();
    const paid = await pay(placed.reply.body.order_id);
    expect(paid.reply.status).toBe(200);
    expect(paid.roundTrips).toBe(1);
    expect(paid.commands).toEqual(['evalsha']);
    // Off the request's path, the store's list of deadlines loses the paid order.
    await expect
      .poll(() => h.redis.zscore(h.deps.keys.due(store_id), String(placed.reply.body.order_id)))
      .toBeNull();
  });

  it('an Idempotency-Key adds one round trip at most, and a replay answers in one', async () => {
    const reads = vi.spyOn(h.deps.tokens, 'read');
    const placed = await order({ 'Idempotency-Key': 'rt-order' });
    expect(placed.reply.status).toBe(200);
    // The token's signature is verified once: the route takes the middleware's proof.
    expect(reads).toHaveBeenCalledTimes(1);
    reads.mockRestore();
    expect(placed.roundTrips).toBe(3);
    const paid = await pay(placed.reply.body.order_id, { 'Idempotency-Key': 'rt-pay' });
    expect(paid.reply.status).toBe(200);
    expect(paid.roundTrips).toBe(2);
    const replayed = await order({ 'Idempotency-Key': 'rt-order' });
    expect(replayed.reply.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.reply.body.order_id).toBe(placed.reply.body.order_id);
    expect(replayed.roundTrips).toBe(1);
  });

  it('a logged-out token is refused (401) by the order step and its reservation is returned at once', async () => {
    const stock = async () =>
      (await c.post('/seller/get_stock_level', { store_id, book_id: 'b' })).body.stock_level;
    const before = await stock();
    const other = await newUser(c);
    await expectOk(c.post('/auth/logout', { user_id: other.user_id }, { token: other.token }));
    const refused = await c.post(
      '/buyer/new_order',
      { user_id: other.user_id, store_id, books: [{ id: 'b', count: 5 }] },
      { token: other.token },
    );
    expect(refused.status).toBe(401);
    expect(await stock()).toBe(before);
    expect(await h.redis.zcard(h.deps.keys.buyerOrders(other.user_id))).toBe(0);
  });
});
