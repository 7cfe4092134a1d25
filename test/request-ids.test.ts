/**
 * Request ids on the real server (Node and Deno): a well-formed client `X-Request-Id` is echoed, any
 * other (too long, bad characters, CR/LF sent as raw bytes) is replaced and never echoed, new ids are
 * unique, and every answer carries one: 200, 404, 405, 413, 530, an Idempotency-Key replay. With
 * LOG_REQUESTS unset there is no access line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOk, httpClient, newUser, uid } from './support/client.ts';
import { redisEnv, uniquePrefix } from './support/harness.ts';
import { headerValues, rawHead } from './support/raw-http.ts';
import { type Runtime, type ServerProcess, startServer } from './support/server-process.ts';

const GENERATED = /^[0-9a-f]{12}-[0-9a-z]+$/;
const WELL_FORMED = /^[A-Za-z0-9_=-]{1,128}$/;

describe.each<Runtime>(['node', 'deno'])('request ids on %s', (runtime) => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer(runtime, { ...redisEnv(), KEY_PREFIX: uniquePrefix(), LOG_LEVEL: 'info' });
  }, 90_000);
  afterAll(() => server?.stop());

  const idOf = async (path: string, init: RequestInit = {}) => {
    const answer = await fetch(server.baseUrl + path, init);
    await answer.arrayBuffer();
    return answer.headers.get('x-request-id');
  };

  it('echoes a well-formed client id', async () => {
    for (const id of ['a', 'abc-DEF_123=', 'x'.repeat(128), crypto.randomUUID()]) {
      expect(await idOf('/healthz', { headers: { 'X-Request-Id': id } })).toBe(id);
    }
  });

  it('replaces a malformed one (too long, bad characters, empty) with a new id', async () => {
    const malformed = ['x'.repeat(129), 'a b', 'a/b', 'a.b', '<script>', 'a,b', '%0d%0a', ''];
    for (const id of malformed) {
      const echoed = await idOf('/healthz', { headers: { 'X-Request-Id': id } });
      expect(echoed, JSON.stringify(id)).toMatch(GENERATED);
    }
    // Two ids in one request arrive joined ("a, b"): replaced too.
    const headers = new Headers([
      ['X-Request-Id', 'first'],
      ['X-Request-Id', 'second'],
    ]);
    expect(await idOf('/healthz', { headers })).toMatch(GENERATED);
  });

  it('never echoes CR or LF, nor a header smuggled with them', async () => {
    const attempts = [
      'X-Request-Id: abc\r\n Injected-Fold: yes',
      'X-Request-Id: abc\rInjected-Cr: yes',
      'X-Request-Id: abc\nInjected-Lf: yes',
      'X-Request-Id: abc%0d%0aInjected-Encoded: yes',
    ];
    for (const attempt of attempts) {
      const head = await rawHead(server.port, `GET /healthz HTTP/1.1\r\nHost: x\r\n${attempt}\r\n\r\n`);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      expect([200, 400], head).toContain(status);
      expect(head.toLowerCase(), head).not.toMatch(/^injected/m);
      const ids = headerValues(head, 'x-request-id');
      // A request the runtime refuses as malformed never reaches the app (and has no id).
      if (status === 200) expect(ids, head).toHaveLength(1);
      for (const id of ids) expect(id, head).toMatch(WELL_FORMED);
    }
  });

  it('gives every request its own id', async () => {
    const ids: string[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => idOf('/healthz')));
      ids.push(...answers.map(String));
    }
    for (const id of ids) expect(id).toMatch(GENERATED);
    expect(new Set(ids).size).toBe(1000);
  });

  it('is on every answer: 200, 404, 405, 413, 530 and an Idempotency-Key replay', async () => {
    const client = httpClient(server.baseUrl);
    const json = { 'content-type': 'application/json' };
    const sent = (id: string) => ({ 'X-Request-Id': id, ...json });
    expect(await idOf('/nowhere', { headers: sent('on-404') })).toBe('on-404');
    expect(await idOf('/auth/login', { method: 'DELETE', headers: sent('on-405') })).toBe('on-405');
    expect(await idOf('/auth/login', { method: 'POST', body: '{', headers: sent('on-530') })).toBe('on-530');
    const tooLarge = `POST /auth/login HTTP/1.1\r\nHost: x\r\nX-Request-Id: on-413\r\nContent-Length: 9000000\r\n\r\n{`;
    const head413 = await rawHead(server.port, tooLarge);
    expect(head413).toMatch(/^HTTP\/1\.1 413/);
    expect(headerValues(head413, 'x-request-id')).toEqual(['on-413']);

    const buyer = await newUser(client);
    const key = uid('key');
    const topUp = (id: string) =>
      fetch(`${server.baseUrl}/buyer/add_funds`, {
        method: 'POST',
        headers: { ...sent(id), 'Idempotency-Key': key },
        body: JSON.stringify({ user_id: buyer.user_id, password: buyer.password, add_value: 5 }),
      });
    const first = await topUp('first-top-up');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-request-id')).toBe('first-top-up');
    const replay = await topUp('replayed-top-up');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.headers.get('x-request-id')).toBe('replayed-top-up');
    const generated = await fetch(`${server.baseUrl}/buyer/add_funds`, {
      method: 'POST',
      headers: { ...json, 'Idempotency-Key': key },
      body: JSON.stringify({ user_id: buyer.user_id, password: buyer.password, add_value: 5 }),
    });
    expect(generated.headers.get('idempotent-replayed')).toBe('true');
    expect(generated.headers.get('x-request-id')).toMatch(GENERATED);
    await expectOk(client.post('/buyer/query_balance', buyer)).then((b) => expect(b.body.balance).toBe(5));
  });

  it('writes no access line with LOG_REQUESTS unset', () => {
    expect(server.output()).toContain('service ready');
    expect(server.output()).not.toContain('"msg":"request"');
  });
});
