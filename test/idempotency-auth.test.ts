/**
 * Idempotency-Key records are started only for a user proven to be the caller: a request that fails
 * authentication (wrong password, unknown user, forged token, a registration of a taken id) leaves no
 * record in Redis, so the real user's request with the same key goes through. And each user has a
 * bounded number of live keys: a new key past them is refused with 429 and Retry-After, while the
 * live ones keep replaying.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanKeys } from '../src/redis/scan.ts';
import { type Client, clientFor, expectOk, newStore, newUser, uid } from './support/client.ts';
import { type Harness, startHarness, startHarnesses } from './support/harness.ts';

let h: Harness;
let c: Client;
beforeAll(async () => {
  h = await startHarness({ limits: { IDEMPOTENCY_KEYS_PER_USER: 3 } });
  c = h.client;
});
afterAll(() => h.close());

/** A stranger: requests from another client address than the user's (as Node's server gives it). */
const stranger = (): Client =>
  clientFor((path, init) =>
    h.app.request(path, init, { incoming: { socket: { remoteAddress: '10.9.9.9' } } }),
  );

/** Every key under the harness's prefix but the wrong-password counters (which a failure does write). */
async function keysNow(): Promise<Set<string>> {
  const all = await scanKeys(h.redis, `${h.prefix}:*`);
  return new Set(all.filter((k) => !k.endsWith(':guesses') && !k.includes(':guesses:')));
}

/** The keys `act` added (none may be a record of `key`, nor anything else). */
async function added(act: () => Promise<unknown>): Promise<string[]> {
  const before = await keysNow();
  await act();
  return [...(await keysNow())].filter((k) => !before.has(k));
}

const balanceOf = async (u: { user_id: string; password: string }) =>
  (await c.post('/buyer/query_balance', { user_id: u.user_id, password: u.password })).body.balance;

describe('Idempotency-Key records after authentication', () => {
  it('a wrong password with a key leaves nothing in Redis; the user’s request with that key then succeeds', async () => {
    const u = await newUser(c);
    const key = { 'Idempotency-Key': uid('key') };
    const keys = await added(async () => {
      const refused = await c.post(
        '/buyer/add_funds',
        { user_id: u.user_id, password: 'guess', add_value: 7 },
        key,
      );
      expect(refused.status).toBe(401);
    });
    expect(keys).toEqual([]);
    const real = await c.post(
      '/buyer/add_funds',
      { user_id: u.user_id, password: u.password, add_value: 7 },
      key,
    );
    expect(real.status).toBe(200);
    expect(real.headers.get('idempotent-replayed')).toBeNull();
    expect(await balanceOf(u)).toBe(7);
  });

  it('leaves nothing for a failed attempt on every password endpoint with a key', async () => {
    const seller = await newUser(c);
    const store_id = await newStore(c, seller, [{ id: 'b', price: 5, stock: 10 }]);
    const u = await newUser(c, 50);
    const order = await expectOk(
      c.post(
        '/buyer/new_order',
        { user_id: u.user_id, store_id, books: [{ id: 'b', count: 1 }] },
        { token: u.token },
      ),
    );
    const order_id = String(order.body.order_id);
    const attempts: [string, Record<string, unknown>][] = [
      ['/auth/unregister', { user_id: u.user_id, password: 'guess' }],
      ['/auth/password', { user_id: u.user_id, oldPassword: 'guess', newPassword: 'mine' }],
      ['/buyer/pay_to_platform', { user_id: u.user_id, password: 'guess', order_id }],
      ['/buyer/payment', { user_id: u.user_id, password: 'guess', order_id }],
      ['/buyer/cancel_order', { user_id: u.user_id, password: 'guess', order_id }],
    ];
    const key = uid('shared');
    for (const [path, body] of attempts) {
      const keys = await added(async () => {
        expect((await stranger().post(path, body, { 'Idempotency-Key': key })).status).toBe(401);
      });
      expect([path, keys]).toEqual([path, []]);
    }
    // The real user's payment with the very key the stranger used.
    const paid = await c.post(
      '/buyer/pay_to_platform',
      { user_id: u.user_id, password: u.password, order_id },
      { 'Idempotency-Key': key },
    );
    expect(paid.status).toBe(200);
    const guess = { user_id: u.user_id, password: 'guess', order_id };
    const refused = await c.post('/buyer/confirm_receipt_and_pay_toseller', guess, {
      'Idempotency-Key': uid('k'),
    });
    expect(refused.status).toBe(401);
  });

  it('leaves nothing in the slot of an unknown user (401 or 511)', async () => {
    const ghost = uid('ghost');
    const keys = await added(async () => {
      const key = { 'Idempotency-Key': uid('key') };
      expect(
        (await c.post('/buyer/add_funds', { user_id: ghost, password: 'x', add_value: 1 }, key)).status,
      ).toBe(401);
      expect(
        (await c.post('/buyer/cancel_order', { user_id: ghost, password: 'x', order_id: 'o' }, key)).status,
      ).toBe(511);
      expect((await c.post('/seller/create_store', { user_id: ghost, store_id: 's' }, key)).status).toBe(511);
    });
    expect(keys).toEqual([]);
  });

  it('leaves nothing for a forged token with a key; the owner’s request with it then succeeds', async () => {
    const seller = await newUser(c);
    const key = uid('store');
    const body = { user_id: seller.user_id, store_id: uid('store') };
    const keys = await added(async () => {
      const forged = await c.post('/seller/create_store', body, { token: 'forged', 'Idempotency-Key': key });
      expect(forged.status).toBe(401);
    });
    expect(keys).toEqual([]);
    await expectOk(c.post('/seller/create_store', body, { token: seller.token, 'Idempotency-Key': key }));
  });

  it('leaves nothing for a registration of a taken id with a key, and replays the one that created it', async () => {
    const u = await newUser(c);
    const key = { 'Idempotency-Key': uid('reg') };
    const keys = await added(async () => {
      expect((await c.post('/auth/register', { user_id: u.user_id, password: 'mine' }, key)).status).toBe(
        512,
      );
    });
    expect(keys).toEqual([]);
    const real = await c.post(
      '/buyer/add_funds',
      { user_id: u.user_id, password: u.password, add_value: 3 },
      key,
    );
    expect(real.status).toBe(200);

    const fresh = { user_id: uid('user'), password: 'pw' };
    const regKey = { 'Idempotency-Key': uid('reg') };
    await expectOk(c.post('/auth/register', fresh, regKey));
    const again = await c.post('/auth/register', fresh, regKey);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('keeps the record of an authenticated request that failed for another reason (519 replays)', async () => {
    const u = await newUser(c);
    const key = { 'Idempotency-Key': uid('key') };
    const body = { user_id: u.user_id, password: u.password, add_value: -5 };
    expect((await c.post('/buyer/add_funds', body, key)).status).toBe(519);
    const again = await c.post('/buyer/add_funds', body, key);
    expect(again.status).toBe(519);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });
});

describe('the bound on live Idempotency-Keys per user (3 here)', () => {
  it('refuses a 4th key with 429 and Retry-After, changing nothing; live keys replay, requests without a key go on', async () => {
    const u = await newUser(c);
    const body = { user_id: u.user_id, password: u.password, add_value: 1 };
    for (let i = 0; i < 3; i++)
      await expectOk(c.post('/buyer/add_funds', body, { 'Idempotency-Key': `k${i}` }));
    const refused = await c.post('/buyer/add_funds', body, { 'Idempotency-Key': 'k3' });
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(23 * 3600);
    expect(retryAfter).toBeLessThanOrEqual(24 * 3600 + 30);
    expect(await balanceOf(u)).toBe(3);
    const replay = await c.post('/buyer/add_funds', body, { 'Idempotency-Key': 'k1' });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    await expectOk(c.post('/buyer/add_funds', body));
    expect(await balanceOf(u)).toBe(4);
    expect(await h.redis.zcard(h.deps.keys.idempotencyKeys(u.user_id))).toBe(3);
  });

  it('counts each user apart, and a key past its 24 h leaves the count', async () => {
    const u = await newUser(c);
    const other = await newUser(c);
    const body = { user_id: u.user_id, password: u.password, add_value: 1 };
    for (let i = 0; i < 3; i++)
      await expectOk(c.post('/buyer/add_funds', body, { 'Idempotency-Key': `k${i}` }));
    await expectOk(
      c.post(
        '/buyer/add_funds',
        { ...body, user_id: other.user_id, password: other.password },
        { 'Idempotency-Key': 'k9' },
      ),
    );
    // A key that expired early leaves the count when the next key comes.
    await h.redis.zadd(h.deps.keys.idempotencyKeys(u.user_id), Date.now() - 1, 'k0');
    await expectOk(c.post('/buyer/add_funds', body, { 'Idempotency-Key': 'k4' }));
    expect((await c.post('/buyer/add_funds', body, { 'Idempotency-Key': 'k5' })).status).toBe(429);
  });
});

describe('a password changed in another process', () => {
  it('starts no record for the old password still cached here; the new one with that key succeeds', async () => {
    const [here, there] = (await startHarnesses(2)) as [Harness, Harness];
    try {
      const u = await newUser(here.client);
      // `here` caches the old password; `there` changes it.
      await expectOk(
        there.client.post('/auth/password', {
          user_id: u.user_id,
          oldPassword: u.password,
          newPassword: 'new-pw',
        }),
      );
      const key = { 'Idempotency-Key': uid('key') };
      const before = new Set(await scanKeys(here.redis, `${here.prefix}:*idem*`));
      const stale = await here.client.post(
        '/buyer/add_funds',
        { user_id: u.user_id, password: u.password, add_value: 2 },
        key,
      );
      expect(stale.status).toBe(401);
      const after = await scanKeys(here.redis, `${here.prefix}:*idem*`);
      expect(after.filter((k) => !before.has(k))).toEqual([]);
      const real = await here.client.post(
        '/buyer/add_funds',
        { user_id: u.user_id, password: 'new-pw', add_value: 2 },
        key,
      );
      expect(real.status).toBe(200);
      expect(real.headers.get('idempotent-replayed')).toBeNull();
    } finally {
      await here.close();
      await there.close();
    }
  });
});
