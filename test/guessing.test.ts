/**
 * Password guessing is slowed, never the user locked out (API.md: 429 with Retry-After, before any
 * password is checked): wrong passwords are limited per user and client address, per address, and
 * per user across addresses (then one per address), shared by every process through Redis; an
 * unknown user costs the same time as a wrong password. Client addresses are given in process the way
 * @hono/node-server hands them to the app (its `incoming` socket), and once over real HTTP.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressGroup, clientAddress } from '../src/http/client-address.ts';
import { type Client, clientFor, expectOk, newStore, newUser, type Reply, uid } from './support/client.ts';
import {
  closeAll,
  type Harness,
  redisEnv,
  startHarness,
  startHarnesses,
  uniquePrefix,
} from './support/harness.ts';
import { type ServerProcess, startServer } from './support/server-process.ts';

type App = Harness['app'];

/** A client of `app` whose requests come from `address`, as Node's server would say. */
const from = (app: App, address: string): Client =>
  clientFor((path, init) =>
    app.request(path, init, { incoming: { socket: { remoteAddress: address, remoteFamily: 'IPv4' } } }),
  );

const login = (client: Client, user_id: string, password: string) =>
  client.post('/auth/login', { user_id, password, terminal: 't' });

const statuses = (replies: Reply[]) => replies.map((r) => r.status);

async function wrongLogins(client: Client, user: string, count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push((await login(client, user, `wrong-${i}`)).status);
  return out;
}

/** A harness with these wrong-password limits: per (user, address), per user, per address. */
const guessLimits = (perUserAddress: number, perUser: number, perAddress: number) => ({
  limits: {
    PASSWORD_GUESSES_PER_USER_ADDRESS: perUserAddress,
    PASSWORD_GUESSES_PER_USER: perUser,
    PASSWORD_GUESSES_PER_ADDRESS: perAddress,
  },
});

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

describe('the wrong-password limit per user and address', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(guessLimits(3, 1000, 1000));
  });
  afterAll(() => h.close());

  it('answers 429 with Retry-After past 3 wrong passwords from one address, the right one included', async () => {
    const u = await newUser(h.client);
    const a = from(h.app, '10.1.0.1');
    expect(await wrongLogins(a, u.user_id, 3)).toEqual([401, 401, 401]);
    const refused = await login(a, u.user_id, 'wrong-again');
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect((await login(a, u.user_id, u.password)).status).toBe(429);
  });

  it('lets the real user in from another address meanwhile', async () => {
    const u = await newUser(h.client);
    await wrongLogins(from(h.app, '10.1.1.1'), u.user_id, 5);
    await expectOk(login(from(h.app, '10.1.1.2'), u.user_id, u.password));
  });

  it('forgets an address’s wrong passwords once it gives the right one', async () => {
    const u = await newUser(h.client);
    const a = from(h.app, '10.1.2.1');
    expect(await wrongLogins(a, u.user_id, 2)).toEqual([401, 401]);
    await expectOk(login(a, u.user_id, u.password));
    expect(await wrongLogins(a, u.user_id, 4)).toEqual([401, 401, 401, 429]);
  });

  it('counts an unknown user like a wrong password (no existence oracle)', async () => {
    const a = from(h.app, '10.1.3.1');
    expect(await wrongLogins(a, uid('nobody'), 4)).toEqual([401, 401, 401, 429]);
  });

  it('lets exactly 3 of 20 parallel wrong passwords be checked (the count is atomic)', async () => {
    const u = await newUser(h.client);
    const a = from(h.app, '10.1.4.1');
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => login(a, u.user_id, `p${i}`)));
    const got = statuses(replies);
    expect(got.filter((s) => s === 401)).toHaveLength(3);
    expect(got.filter((s) => s === 429)).toHaveLength(17);
  });

  it('checks 10 concurrent requests with the right password once, on a cold cache: all succeed', async () => {
    const u = await newUser(h.client);
    h.deps.cache.forget(u.user_id);
    const a = from(h.app, '10.1.6.1');
    const body = { user_id: u.user_id, password: u.password };
    const replies = await Promise.all(Array.from({ length: 10 }, () => a.post('/buyer/query_balance', body)));
    expect(statuses(replies)).toEqual(Array.from({ length: 10 }, () => 200));
  });

  it('refuses before any hashing: a 429 takes a fraction of a wrong password’s time', async () => {
    const u = await newUser(h.client);
    const blocked = from(h.app, '10.1.5.1');
    await wrongLogins(blocked, u.user_id, 3);
    const other = await newUser(h.client);
    const open = from(h.app, '10.1.5.2');
    const refused: number[] = [];
    const checked: number[] = [];
    for (let i = 0; i < 15; i++) {
      let t = performance.now();
      expect((await login(blocked, u.user_id, `x${i}`)).status).toBe(429);
      refused.push(performance.now() - t);
      t = performance.now();
      // Right then wrong: the address's count starts again after each right one.
      expect((await login(open, other.user_id, `x${i}`)).status).toBe(401);
      checked.push(performance.now() - t);
      await expectOk(login(open, other.user_id, other.password));
    }
    expect(median(refused)).toBeLessThan(median(checked) / 3);
  });
});

describe('the limit on every endpoint that takes a password', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(guessLimits(1, 1000, 1000));
  });
  afterAll(() => h.close());

  it('answers 429 on each one past the limit, and each one still serves another address', async () => {
    const seller = await newUser(h.client);
    const store_id = await newStore(h.client, seller, [{ id: 'b', price: 5, stock: 10 }]);
    const u = await newUser(h.client, 100);
    const order = await expectOk(
      h.client.post(
        '/buyer/new_order',
        { user_id: u.user_id, store_id, books: [{ id: 'b', count: 1 }] },
        { token: u.token },
      ),
    );
    const order_id = String(order.body.order_id);
    const bodies = (password: string): [string, Record<string, unknown>][] => [
      ['/auth/login', { user_id: u.user_id, password, terminal: 't' }],
      ['/auth/password', { user_id: u.user_id, oldPassword: password, newPassword: password }],
      ['/buyer/add_funds', { user_id: u.user_id, password, add_value: 1 }],
      ['/buyer/query_balance', { user_id: u.user_id, password }],
      ['/buyer/query_order_status', { user_id: u.user_id, password, order_id }],
      ['/buyer/query_buyer_all_orders', { user_id: u.user_id, password }],
      ['/buyer/pay_to_platform', { user_id: u.user_id, password, order_id: 'none' }],
      ['/buyer/payment', { user_id: u.user_id, password, order_id: 'none' }],
      ['/buyer/cancel_order', { user_id: u.user_id, password, order_id: 'none' }],
      ['/buyer/confirm_receipt_and_pay_toseller', { user_id: u.user_id, password, order_id: 'none' }],
      ['/seller/query_one_store_orders', { user_id: u.user_id, password, store_id }],
      ['/seller/query_all_store_orders', { user_id: u.user_id, password }],
      ['/auth/unregister', { user_id: u.user_id, password }],
    ];
    const guesser = from(h.app, '10.2.0.1');
    expect((await login(guesser, u.user_id, 'wrong')).status).toBe(401);
    for (const [path, body] of bodies('wrong-again')) {
      const reply = await guesser.post(path, body, { 'Idempotency-Key': uid('k') });
      expect([path, reply.status, reply.headers.get('retry-after') !== null]).toEqual([path, 429, true]);
    }
    // The right password from another address: every endpoint goes on to its own answer.
    const owner = from(h.app, '10.2.0.2');
    for (const [path, body] of bodies(u.password)) {
      const reply = await owner.post(path, body);
      expect([path, reply.status]).not.toEqual([path, 429]);
      expect([path, reply.status]).not.toEqual([path, 401]);
    }
  });
});

describe('the looser limit per address, over all users', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(guessLimits(100, 1000, 5));
  });
  afterAll(() => h.close());

  it('refuses an address after 5 wrong passwords at any users; another address is unaffected', async () => {
    const a = from(h.app, '10.3.0.1');
    const got: number[] = [];
    for (let i = 0; i < 6; i++) got.push((await login(a, uid('stuffed'), 'pw')).status);
    expect(got).toEqual([401, 401, 401, 401, 401, 429]);
    const u = await newUser(h.client);
    expect((await login(a, u.user_id, u.password)).status).toBe(429);
    await expectOk(login(from(h.app, '10.3.0.2'), u.user_id, u.password));
  });

  it('groups an IPv6 client by its /64', async () => {
    const u = await newUser(h.client);
    for (let i = 0; i < 5; i++) await login(from(h.app, `2001:db8:1:2::${i + 1}`), u.user_id, 'wrong');
    expect((await login(from(h.app, '2001:db8:1:2:ffff::9'), u.user_id, u.password)).status).toBe(429);
    await expectOk(login(from(h.app, '2001:db8:1:3::1'), u.user_id, u.password));
  });
});

describe('a guess spread over many addresses', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(guessLimits(3, 6, 1000));
  });
  afterAll(() => h.close());

  it('slows to one wrong password per address, and the user still logs in from a clean address', async () => {
    const u = await newUser(h.client);
    for (let n = 0; n < 3; n++) await wrongLogins(from(h.app, `10.4.0.${n}`), u.user_id, 2);
    // 6 wrong for the user: a fresh address has one try, an address with a wrong one has none.
    expect(await wrongLogins(from(h.app, '10.4.1.1'), u.user_id, 2)).toEqual([401, 429]);
    expect((await login(from(h.app, '10.4.0.0'), u.user_id, 'wrong')).status).toBe(429);
    await expectOk(login(from(h.app, '10.4.2.1'), u.user_id, u.password));
    await expectOk(login(from(h.app, '10.4.2.1'), u.user_id, u.password));
  });
});

describe('two processes on one Redis', () => {
  let hs: Harness[];
  beforeAll(async () => {
    hs = await startHarnesses(2, guessLimits(4, 1000, 1000));
  });
  afterAll(() => closeAll(hs));

  it('share one count: 4 wrong passwords over both, then 429 from either', async () => {
    const [one, two] = hs as [Harness, Harness];
    const u = await newUser(one.client);
    const got: number[] = [];
    for (let i = 0; i < 4; i++)
      got.push((await login(from((i % 2 ? one : two).app, '10.5.0.1'), u.user_id, 'w')).status);
    expect(got).toEqual([401, 401, 401, 401]);
    expect((await login(from(one.app, '10.5.0.1'), u.user_id, u.password)).status).toBe(429);
    expect((await login(from(two.app, '10.5.0.1'), u.user_id, u.password)).status).toBe(429);
  });
});

describe('the time of a refusal', () => {
  let h: Harness;
  beforeAll(async () => {
    const many = 1_000_000;
    h = await startHarness(guessLimits(many, many, many));
  });
  afterAll(() => h.close());

  it('is the same for an unknown user as for a wrong password (medians within 20 %)', async () => {
    const u = await newUser(h.client);
    const c = from(h.app, '10.6.0.1');
    const timed = async (user: string) => {
      const t = performance.now();
      expect((await login(c, user, 'not-the-password')).status).toBe(401);
      return performance.now() - t;
    };
    for (let i = 0; i < 5; i++) await Promise.all([timed(u.user_id), timed(uid('ghost'))]);
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 250; i++) {
      // Interleaved, each pair in alternating order, so drift and noise fall on both kinds alike.
      if (i % 2) {
        wrong.push(await timed(u.user_id));
        unknown.push(await timed(uid('ghost')));
      } else {
        unknown.push(await timed(uid('ghost')));
        wrong.push(await timed(u.user_id));
      }
    }
    const [w, n] = [median(wrong), median(unknown)];
    console.log(
      `login 401 medians over 250 each: wrong password ${w.toFixed(2)} ms, unknown user ${n.toFixed(2)} ms`,
    );
    expect(Math.abs(w - n) / w).toBeLessThan(0.2);
  }, 60_000);
});

describe('the client address', () => {
  const app = { env: undefined } as unknown as Parameters<typeof clientAddress>[0];
  const withEnv = (env: unknown) => ({ ...app, env }) as Parameters<typeof clientAddress>[0];

  it('is the socket peer on Node, the remoteAddr on Deno, and one shared `unknown` in process', () => {
    expect(clientAddress(withEnv({ incoming: { socket: { remoteAddress: '192.0.2.7' } } }))).toBe(
      '192.0.2.7',
    );
    expect(clientAddress(withEnv({ remoteAddr: { hostname: '192.0.2.8', port: 1, transport: 'tcp' } }))).toBe(
      '192.0.2.8',
    );
    expect(clientAddress(withEnv(undefined))).toBe('unknown');
    expect(clientAddress(withEnv({}))).toBe('unknown');
  });

  it('groups IPv6 by /64 and unwraps IPv4-mapped addresses', () => {
    expect(addressGroup('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressGroup('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressGroup('2001:DB8:0:0:1:2:3:4')).toBe('2001:db8:0:0::/64');
    expect(addressGroup('2001:db8:a:b:c::')).toBe('2001:db8:a:b::/64');
    expect(addressGroup('::1')).toBe('0:0:0:0::/64');
    expect(addressGroup('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});

/** A login over real HTTP from a chosen local address (the whole 127/8 is loopback on Linux). */
function loginFrom(port: number, localAddress: string, user_id: string, password: string) {
  return new Promise<{ status: number; retryAfter: string | undefined }>((resolve, reject) => {
    const body = JSON.stringify({ user_id, password, terminal: 't' });
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/auth/login',
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers['retry-after'] as string | undefined,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe.each(['node', 'deno'] as const)('over real HTTP on %s', (runtime) => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer(runtime, {
      ...redisEnv(),
      KEY_PREFIX: uniquePrefix(),
      PASSWORD_GUESSES_PER_USER_ADDRESS: '2',
    });
  }, 90_000);
  afterAll(() => server?.stop());

  it('limits by the connection’s peer address: 429 from one, the user logs in from another', async () => {
    const client = clientFor((path, init) => fetch(server.baseUrl + path, init));
    const u = await newUser(client);
    const tries = [];
    for (let i = 0; i < 3; i++) tries.push(await loginFrom(server.port, '127.0.0.2', u.user_id, 'wrong'));
    expect(tries.map((t) => t.status)).toEqual([401, 401, 429]);
    expect(Number(tries[2]?.retryAfter)).toBeGreaterThan(0);
    expect((await loginFrom(server.port, '127.0.0.2', u.user_id, u.password)).status).toBe(429);
    expect((await loginFrom(server.port, '127.0.0.3', u.user_id, u.password)).status).toBe(200);
  });
});
