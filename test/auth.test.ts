/**
 * Passwords and tokens: stored as argon2id hashes, never in clear; a cached verification never
 * outlives a password change or unregister made by another process; tokens are signed and revocable.
 */
import { verify } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOk, newUser } from './support/client.ts';
import { type Harness, startHarness } from './support/harness.ts';

describe('password storage', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('keeps a salted argon2id hash and never the password itself', async () => {
    const a = await newUser(h.client);
    const b = await h.client.post('/auth/register', { user_id: `${a.user_id}-twin`, password: a.password });
    expect(b.status).toBe(200);
    const [hashA, hashB] = await Promise.all([
      h.redis.hget(h.deps.keys.user(a.user_id), 'pw'),
      h.redis.hget(h.deps.keys.user(`${a.user_id}-twin`), 'pw'),
    ]);
    expect(hashA).toMatch(/^\$argon2id\$/);
    expect(hashA).not.toContain(a.password);
    expect(hashA).not.toBe(hashB);
    // Each is a hash of the password itself, checked by the library, not by the code under test.
    expect(await verify(hashA ?? '', a.password)).toBe(true);
    expect(await verify(hashB ?? '', a.password)).toBe(true);
    expect(await verify(hashA ?? '', `${a.password}x`)).toBe(false);
  });

  it('rejects a forged or altered token with 401', async () => {
    const a = await newUser(h.client);
    const [body, signature] = a.token.split('.');
    const claims = JSON.parse(Buffer.from(body ?? '', 'base64url').toString());
    const forged = `${Buffer.from(JSON.stringify({ ...claims, x: claims.x + 1 })).toString('base64url')}.${signature}`;
    const r = await h.client.post(
      '/seller/create_store',
      { user_id: a.user_id, store_id: `${a.user_id}-s` },
      { token: forged },
    );
    expect(r.status).toBe(401);
    const other = await newUser(h.client);
    const stolen = await h.client.post(
      '/seller/create_store',
      { user_id: other.user_id, store_id: `${a.user_id}-s` },
      { token: a.token },
    );
    expect(stolen.status).toBe(401);
  });
});

describe('a second process on the same Redis', () => {
  let h: Harness;
  let second: Harness;
  beforeAll(async () => {
    h = await startHarness();
    second = await startHarness({ prefix: h.prefix });
  });
  afterAll(async () => {
    await second.close();
    await h.close();
  });

  it('accepts a token issued by the other process (shared signing secret)', async () => {
    const a = await newUser(h.client);
    const r = await second.client.post(
      '/seller/create_store',
      { user_id: a.user_id, store_id: `${a.user_id}-s` },
      { token: a.token },
    );
    expect(r.status).toBe(200);
  });

  it('refuses the old password at once after a password change elsewhere, though it was cached here', async () => {
    const a = await newUser(h.client, 100);
    // Cache a successful verification in the first process.
    await expectOk(h.client.post('/buyer/query_balance', { user_id: a.user_id, password: a.password }));
    await expectOk(
      second.client.post('/auth/password', {
        user_id: a.user_id,
        oldPassword: a.password,
        newPassword: 'new-secret',
      }),
    );
    const withOld = await h.client.post('/buyer/add_funds', {
      user_id: a.user_id,
      password: a.password,
      add_value: 5,
    });
    expect(withOld.status).toBe(401);
    const balance = await h.client.post('/buyer/query_balance', { user_id: a.user_id, password: a.password });
    expect(balance.status).toBe(401);
    const withNew = await h.client.post('/buyer/query_balance', {
      user_id: a.user_id,
      password: 'new-secret',
    });
    expect(withNew.body.balance).toBe(100);
    const oldToken = await h.client.post(
      '/seller/create_store',
      { user_id: a.user_id, store_id: `${a.user_id}-x` },
      { token: a.token },
    );
    expect(oldToken.status).toBe(401);
  });

  it('refuses a cached user at once after unregister elsewhere: login, mutation and re-register', async () => {
    for (const first of ['/auth/login', '/buyer/add_funds']) {
      const a = await newUser(h.client, 100);
      await expectOk(h.client.post('/buyer/query_balance', { user_id: a.user_id, password: a.password }));
      await expectOk(second.client.post('/auth/unregister', { user_id: a.user_id, password: a.password }));
      const body = { user_id: a.user_id, password: a.password, terminal: 't', add_value: 1 };
      expect((await h.client.post(first, body)).status, first).toBe(401);
      expect(
        (await h.client.post('/auth/register', { user_id: a.user_id, password: a.password })).status,
      ).toBe(512);
    }
  });
});
