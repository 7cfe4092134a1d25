/**
 * The real server's whole output (Node and Deno) at LOG_LEVEL=debug with LOG_REQUESTS=true, after
 * requests that carry distinctive secrets in every place a secret travels (password fields, the
 * `token` header, Authorization, Cookie, the ADMIN_TOKEN and TOKEN_SECRET variables), answered
 * 200, 401, 404, 405, 413, 500 (a user record broken in Redis) and 530: no secret is in it, every
 * line is JSON, each request has its access line (route pattern, status, ms, its id) and every line
 * written while serving a request carries that request's id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineScripts } from '../src/lua/load.ts';
import { connectRedis } from '../src/redis/connect.ts';
import { keySpace } from '../src/redis/keys.ts';
import { uid } from './support/client.ts';
import { redisEnv, uniquePrefix } from './support/harness.ts';
import { headerValues, rawHead } from './support/raw-http.ts';
import { type Runtime, type ServerProcess, startServer } from './support/server-process.ts';

const SECRET = {
  password: 'Pw-s3cret-1f9a',
  wrongPassword: 'Wrong-s3cret-77c1',
  newPassword: 'New-s3cret-42aa',
  numericPassword: 73519824061,
  bogusToken: 'Tok-s3cret-0b3e',
  authorization: 'Bearer Auth-s3cret-9d2c',
  cookie: 'session=Cookie-s3cret-5e6f',
  tokenSecret: 'TokenSecret-s3cret-3a4b',
  adminToken: 'Admin-s3cret-8c7d',
  bigBody: 'Big-s3cret-6d1e',
};

/** What the test sent and what came back, to find each request's lines. */
interface Sent {
  method: string;
  route: string;
  status: number;
  id: string;
}

type Line = Record<string, unknown>;

describe.each<Runtime>(['node', 'deno'])('log lines of a server on %s', (runtime) => {
  let server: ServerProcess;
  const prefix = uniquePrefix();
  const sent: Sent[] = [];
  /** the session token login answered: a secret too */
  let realToken = '';

  /** Sends a request with the Authorization and Cookie secrets and records its answer. */
  async function send(method: string, path: string, route: string, body?: unknown, headers = {}) {
    const answer = await fetch(server.baseUrl + path, {
      method,
      headers: {
        'content-type': 'application/json',
        authorization: SECRET.authorization,
        cookie: SECRET.cookie,
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const reply = (await answer.json()) as Record<string, unknown>;
    sent.push({ method, route, status: answer.status, id: answer.headers.get('x-request-id') ?? '' });
    return { status: answer.status, reply };
  }

  beforeAll(async () => {
    server = await startServer(runtime, {
      ...redisEnv(),
      KEY_PREFIX: prefix,
      LOG_LEVEL: 'debug',
      LOG_REQUESTS: 'true',
      TOKEN_SECRET: SECRET.tokenSecret,
      ADMIN_TOKEN: SECRET.adminToken,
    });
    const user_id = uid('user');
    const { password, wrongPassword, newPassword } = SECRET;
    const token = (t: string) => ({ token: t });
    const expectStatus = async (pending: Promise<{ status: number }>, status: number) =>
      expect((await pending).status).toBe(status);

    await expectStatus(send('POST', '/auth/register', '/auth/register', { user_id, password }), 200);
    const login = await send('POST', '/auth/login', '/auth/login', { user_id, password, terminal: 't' });
    realToken = String(login.reply.token);
    expect(realToken.length).toBeGreaterThan(10);
    await expectStatus(
      send('POST', '/auth/login', '/auth/login', { user_id, password: wrongPassword, terminal: 't' }),
      401,
    );
    const store_id = uid('store');
    const create = (t: string) =>
      send('POST', '/seller/create_store', '/seller/create_store', { user_id, store_id }, token(t));
    await expectStatus(create(SECRET.bogusToken), 401);
    await expectStatus(create(realToken), 200);
    // 530s whose bodies carry a password: a missing field, a password of the wrong type
    await expectStatus(send('POST', '/auth/login', '/auth/login', { user_id, password }), 530);
    await expectStatus(
      send('POST', '/auth/login', '/auth/login', {
        user_id,
        password: SECRET.numericPassword,
        terminal: 't',
      }),
      530,
    );
    const topUp = { user_id, password, add_value: 3 };
    const key = { 'Idempotency-Key': uid('key') };
    await expectStatus(send('POST', '/buyer/add_funds', '/buyer/add_funds', topUp, key), 200);
    await expectStatus(send('POST', '/buyer/add_funds', '/buyer/add_funds', topUp, key), 200);
    await expectStatus(
      send('POST', '/auth/password', '/auth/password', { user_id, oldPassword: password, newPassword }),
      200,
    );
    await expectStatus(send('GET', '/no/such/path', 'unmatched', undefined, token(realToken)), 404);
    // (With a body: Deno warns once, in a line of its own, when a bodiless POST or DELETE passes
    // Hono's bodyLimit, which copies the request and so its signal.)
    await expectStatus(send('DELETE', '/auth/login', 'unmatched', { password }, token(realToken)), 405);
    await expectStatus(send('GET', '/books/nobook/pictures/0', '/books/:id/pictures/:n'), 404);

    // 413: a body past the limit, refused on its Content-Length
    const big = `{"password":"${SECRET.bigBody}"`;
    const head = await rawHead(
      server.port,
      `POST /auth/login HTTP/1.1\r\nHost: x\r\nAuthorization: ${SECRET.authorization}\r\nContent-Length: 9000000\r\n\r\n${big}`,
    );
    expect(head).toMatch(/^HTTP\/1\.1 413/);
    sent.push({
      method: 'POST',
      route: '/auth/login',
      status: 413,
      id: headerValues(head, 'x-request-id')[0] ?? '',
    });

    // 500: a user record that is not a hash makes the password check fail in Redis
    const broken = { user_id: uid('broken'), password };
    await expectStatus(send('POST', '/auth/register', '/auth/register', broken), 200);
    const redis = await connectRedis({ ...redisEnv(), DATA_DIR: '' }, () => {}, defineScripts);
    await redis.client.set(keySpace(prefix).user(broken.user_id), 'not a hash');
    await redis.close();
    await expectStatus(send('POST', '/buyer/query_balance', '/buyer/query_balance', broken), 500);

    // A request's access line is its last: once the last one has arrived, every line has.
    const last = sent.at(-1)?.id ?? '';
    await arrived(server, (line) => line.msg === 'request' && line.reqId === last);
  }, 120_000);
  afterAll(() => server?.stop());

  const lines = (): Line[] =>
    server
      .output()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        try {
          return JSON.parse(line) as Line;
        } catch {
          throw new Error(`not a JSON line: ${line}`);
        }
      });

  it('holds no secret, in any line', () => {
    const output = server.output();
    const secrets = [...Object.values(SECRET).map(String), realToken, 'Auth-s3cret', 'Cookie-s3cret'];
    for (const secret of secrets) expect(output, secret).not.toContain(secret);
  });

  it('is JSON, line by line', () => {
    expect(lines().length).toBeGreaterThan(sent.length);
  });

  it('has one access line per request: method, route pattern, status, ms and the id answered', () => {
    const access = lines().filter((line) => line.msg === 'request');
    expect(access).toHaveLength(sent.length + countHealthChecks(lines()));
    for (const request of sent) {
      expect(request.id).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/);
      const mine = access.filter((line) => line.reqId === request.id);
      expect(mine, JSON.stringify(request)).toEqual([
        expect.objectContaining({ method: request.method, route: request.route, status: request.status }),
      ]);
      expect(mine[0]?.ms).toBeTypeOf('number');
      expect(Number(mine[0]?.ms)).toBeGreaterThanOrEqual(0);
    }
  });

  it('gives each line written while serving a request that request id', () => {
    const ids = new Set(sent.map((request) => request.id));
    const perRequest = lines().filter((line) =>
      ['request refused', 'unhandled error'].includes(String(line.msg)),
    );
    for (const line of perRequest) expect(ids, JSON.stringify(line)).toContain(line.reqId);
    const failed = sent.find((request) => request.status === 500);
    const error = lines().find((line) => line.msg === 'unhandled error');
    expect(error).toMatchObject({ level: 50, reqId: failed?.id, path: '/buyer/query_balance' });
    // The error's type, message and stack only: not the failed command's arguments (ioredis adds them).
    expect(Object.keys(error?.err ?? {}).sort()).toEqual(['message', 'stack', 'type']);
    expect(JSON.stringify(error)).toMatch(/WRONGTYPE/);
    // The refusals, at debug: 401 (wrong password, bogus token), 530 twice, the missing picture's 404.
    const refused = lines().filter((line) => line.msg === 'request refused');
    const statusOf = (id: unknown) => sent.find((request) => request.id === id)?.status;
    expect(refused.map((line) => statusOf(line.reqId)).sort()).toEqual([401, 401, 404, 530, 530]);
    expect(refused.map((line) => line.status).sort()).toEqual([401, 401, 404, 530, 530]);
  });
});

/** Waits (up to 20 s) until a line of the server's output satisfies `found`. */
async function arrived(server: ServerProcess, found: (line: Line) => boolean) {
  const deadline = Date.now() + 20_000;
  // A line still arriving is no JSON yet: it is skipped until it has arrived whole.
  const parsed = (text: string) => {
    try {
      return JSON.parse(text) as Line;
    } catch {
      return undefined;
    }
  };
  const has = () =>
    server
      .output()
      .split('\n')
      .some((text) => {
        const line = parsed(text);
        return line !== undefined && found(line);
      });
  while (!has()) {
    if (Date.now() > deadline) throw new Error(`no such line within 20 s:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The server's own /healthz polls while it started (startServer waits on them): access lines too. */
const countHealthChecks = (lines: Line[]) =>
  lines.filter((line) => line.msg === 'request' && line.route === '/healthz').length;
