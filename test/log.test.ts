/**
 * The logger (src/log.ts) and the request's logger (src/http/request-id.ts) in process: JSON lines,
 * levels, secrets censored by field name, pretty printing only on a terminal (Node and Deno, under a
 * pseudo-terminal made by util-linux's `script`), and a request's child logger made only when the
 * request writes a line.
 */
import { spawnSync } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { createLogger, type LogFields, type Logger } from '../src/log.ts';
import { type Harness, startHarness } from './support/harness.ts';
import { ROOT, type Runtime } from './support/server-process.ts';

/** A logger writing into `lines` (one parsed object per line). */
function capture(level: Parameters<typeof createLogger>[0]) {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const log = createLogger(level, {
    write(line: string) {
      raw.push(line);
      for (const one of line.split('\n').filter(Boolean)) lines.push(JSON.parse(one));
    },
  });
  return { log, lines, text: () => raw.join('') };
}

describe('the logger', () => {
  it('writes one JSON line per event: level, time, message and the fields', () => {
    const { log, lines } = capture('info');
    log.info('search index built', { books: 3 });
    log.child({ reqId: 'r-1' }).error('unhandled error', { path: '/x' });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 30, msg: 'search index built', books: 3 });
    expect(typeof lines[0]?.time).toBe('number');
    expect(lines[1]).toMatchObject({ level: 50, msg: 'unhandled error', reqId: 'r-1', path: '/x' });
  });

  it('drops lines below its level, and silent writes nothing', () => {
    const warn = capture('warn');
    warn.log.debug('d');
    warn.log.info('i');
    warn.log.warn('w');
    expect(warn.lines.map((l) => l.msg)).toEqual(['w']);
    expect(warn.log.isLevelEnabled('info')).toBe(false);
    const silent = capture('silent');
    silent.log.error('e');
    expect(silent.lines).toHaveLength(0);
  });

  it('censors every secret field by name, at the top, one object down, in headers and in bindings', () => {
    const { log, text } = capture('debug');
    const secrets = [
      'pw-s3cr3t-a',
      'old-s3cr3t-b',
      'new-s3cr3t-c',
      'tok-s3cr3t-d',
      'auth-s3cr3t-e',
      'cookie-s3cr3t-f',
      'admin-s3cr3t-g',
      'signing-s3cr3t-h',
      'nested-s3cr3t-i',
      'header-tok-s3cr3t-j',
      'binding-s3cr3t-k',
    ];
    const [pw, oldPw, newPw, token, auth, cookie, admin, signing, nested, headerToken, binding] = secrets;
    log.info('a', { password: pw, oldPassword: oldPw, newPassword: newPw, token });
    log.warn('b', { headers: { authorization: auth, cookie, token: headerToken } });
    log.error('c', { ADMIN_TOKEN: admin, TOKEN_SECRET: signing, body: { password: nested } });
    log.child({ token: binding }).info('d');
    const out = text();
    for (const secret of secrets) expect(out).not.toContain(secret);
    expect(out.match(/\[redacted\]/g)).toHaveLength(secrets.length);
  });

  it('writes an error as its type, message and stack, without the properties a library adds', () => {
    const { log, lines, text } = capture('error');
    const error = Object.assign(new Error('WRONGTYPE'), {
      command: { name: 'evalsha', args: ['hash-s3cret'] },
    });
    log.error('unhandled error', { err: error });
    expect(text()).not.toContain('hash-s3cret');
    expect(lines[0]?.err).toEqual({ type: 'Error', message: 'WRONGTYPE', stack: error.stack });
  });
});

const runners: Record<Runtime, string> = {
  node: `${process.execPath} --import tsx test/support/log-lines.ts`,
  deno: 'node_modules/.bin/deno run -A test/support/log-lines.ts',
};

describe.each<Runtime>(['node', 'deno'])('log output on %s', (runtime) => {
  it('is pretty (pino-pretty) on a terminal', () => {
    const run = spawnSync('script', ['-qec', runners[runtime], '/dev/null'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const plain = stripVTControlCharacters(run.stdout);
    expect(plain).toMatch(/^\[[\d:.]+\] INFO \(\d+\): first line/m);
    expect(plain).toMatch(/^\[[\d:.]+\] WARN \(\d+\): second line/m);
    expect(plain).toContain('reqId: "log-lines-id"');
    expect(plain).not.toContain('log-lines-secret');
    expect(plain).not.toContain('{"level"');
  });

  it('is one JSON object per line otherwise', () => {
    const [command = '', ...args] = runners[runtime].split(' ');
    const run = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stderr.split('\n').filter(Boolean);
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['first line', 'second line']);
    expect(run.stderr).not.toContain('log-lines-secret');
  });
});

/** A real logger that counts the child loggers made from it. */
function counting(base: Logger) {
  const made = { children: 0 };
  const log: Logger = {
    debug: (m: string, f?: LogFields) => base.debug(m, f),
    info: (m: string, f?: LogFields) => base.info(m, f),
    warn: (m: string, f?: LogFields) => base.warn(m, f),
    error: (m: string, f?: LogFields) => base.error(m, f),
    isLevelEnabled: (level) => base.isLevelEnabled(level),
    child(bindings) {
      made.children++;
      return base.child(bindings);
    },
  };
  return { log, made };
}

describe("a request's logger", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  /** 2 answered, 2 refused (530, 404): none writes a line at info. */
  const requests = (app: ReturnType<typeof createApp>) =>
    Promise.all([
      app.request('/healthz'),
      app.request('/healthz', { headers: { 'X-Request-Id': 'kept-id' } }),
      app.request('/auth/login', {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      }),
      app.request('/nowhere'),
    ]);

  it('is made only when the request writes a line', async () => {
    const info = capture('info');
    const quiet = counting(info.log);
    await requests(createApp({ ...h.deps, log: quiet.log }));
    expect(quiet.made.children).toBe(0);
    expect(info.lines).toHaveLength(0);

    const debug = capture('debug');
    const chatty = counting(debug.log);
    await requests(createApp({ ...h.deps, log: chatty.log }));
    // The 530 writes "request refused" (the 404 is no error: the access log, when on, tells it).
    expect(chatty.made.children).toBe(1);
    expect(debug.lines).toEqual([expect.objectContaining({ msg: 'request refused', status: 530 })]);
    expect(debug.lines[0]?.reqId).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/);
  });

  it('writes the access line from the base logger, with no child, when logRequests is on', async () => {
    const info = capture('info');
    const quiet = counting(info.log);
    const [ok, kept] = await requests(createApp({ ...h.deps, log: quiet.log }, { logRequests: true }));
    expect(quiet.made.children).toBe(0);
    expect(info.lines.map((l) => [l.msg, l.method, l.route, l.status])).toEqual(
      expect.arrayContaining([
        ['request', 'GET', '/healthz', 200],
        ['request', 'GET', '/healthz', 200],
        ['request', 'POST', '/auth/login', 530],
        ['request', 'GET', 'unmatched', 404],
      ]),
    );
    expect(info.lines.map((l) => l.reqId)).toEqual(
      expect.arrayContaining([ok?.headers.get('x-request-id'), 'kept-id']),
    );
    expect(kept?.headers.get('x-request-id')).toBe('kept-id');
  });
});
