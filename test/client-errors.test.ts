/**
 * Requests the runtime rejects before the app sees them, sent as raw bytes to the real server. On
 * Node (src/http/client-errors.ts) every such answer is JSON like all others: bad framing 400, a
 * header section over Node's 16 KB limit 431, a client that stalls mid-request 408 after
 * HTTP_HEADERS_TIMEOUT_MS. On Deno, Deno.serve answers bad framing itself (400, empty body) and lets
 * larger headers through to the app, which answers JSON; it has no header timeout (README).
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisEnv, uniquePrefix } from './support/harness.ts';
import { type Runtime, type ServerProcess, startServer } from './support/server-process.ts';

interface RawAnswer {
  status: number;
  headers: string;
  body: string;
  ms: number;
}

/** Writes `bytes`, then reads until the server closes the connection (or `limitMs` passes). */
function raw(port: number, bytes: string, limitMs = 20_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => socket.destroy(), limitMs);
    socket.on('data', (chunk) => (got += chunk.toString()));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      const [head = '', body = ''] = got.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      resolve({ status, headers: head, body, ms: Date.now() - started });
    });
    socket.write(bytes);
  });
}

const BAD_LENGTH = 'POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n';
const NOT_HTTP = 'HELLO\r\n\r\n';
const BIG_HEADER = `POST /auth/login HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\nContent-Length: 2\r\n\r\n{}`;
const STALLED = 'POST /auth/login HTTP/1.1\r\nHost: x\r\n';

const json = (a: RawAnswer) => JSON.parse(a.body) as { code: number; message: string };

function serverFor(runtime: Runtime) {
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    server = await startServer(runtime, {
      ...redisEnv(),
      KEY_PREFIX: uniquePrefix(),
      HTTP_HEADERS_TIMEOUT_MS: '1000',
      HTTP_REQUEST_TIMEOUT_MS: '2000',
    });
  });
  afterAll(() => server?.stop());
  return () => {
    if (!server) throw new Error('server not started');
    return server.port;
  };
}

describe('client errors on Node', () => {
  const port = serverFor('node');

  it.each([
    ['an unreadable Content-Length', BAD_LENGTH, 400],
    ['bytes that are not HTTP', NOT_HTTP, 400],
    ['a header section over 16 KB', BIG_HEADER, 431],
  ])('answers %s with JSON', async (_name, bytes, status) => {
    const answer = await raw(port(), bytes);
    expect(answer.status).toBe(status);
    expect(answer.headers).toMatch(/content-type: application\/json/i);
    expect(json(answer).code).toBe(status);
  });

  it('answers a client that stalls mid-request with 408 JSON after the headers timeout', async () => {
    const answer = await raw(port(), STALLED);
    expect(answer.status).toBe(408);
    expect(json(answer)).toMatchObject({ code: 408 });
    // 1 s of timeout, checked every second: well before the 20 s the test waits.
    expect(answer.ms).toBeLessThan(10_000);
  });
});

describe('client errors on Deno', () => {
  const port = serverFor('deno');

  it.each([
    ['an unreadable Content-Length', BAD_LENGTH],
    ['bytes that are not HTTP', NOT_HTTP],
  ])('answers %s itself: 400, empty body, connection closed', async (_name, bytes) => {
    const answer = await raw(port(), bytes);
    expect(answer.status).toBe(400);
    expect(answer.body).toBe('');
  });

  it('hands a 20 KB header section to the app, which answers JSON', async () => {
    const answer = await raw(
      port(),
      BIG_HEADER.replace('Content-Length: 2', 'Connection: close\r\nContent-Length: 2'),
    );
    expect(answer.headers).toMatch(/content-type: application\/json/i);
    expect(json(answer).code).toBe(answer.status);
  });
});
