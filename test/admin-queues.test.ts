/**
 * The queue dashboard (bull-board at /admin/queues) on the real server, on Node and on Deno: every
 * path under it asks for ADMIN_TOKEN (Basic password or Bearer; 401 JSON with a Basic challenge
 * otherwise); with it, the page, its UI files and the API, which lists and acts on a job that the
 * service's own producer scheduled on the orders queue; in a real Chromium, the login challenge
 * answered and the orders queue on screen. With ADMIN_TOKEN unset nothing is there and bull-board is
 * never loaded. The token is never in an answer or in the server's output.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrderQueue, type OrderQueue } from '../src/jobs/queue.ts';
import { connectRedis } from '../src/redis/connect.ts';
import { keySpace } from '../src/redis/keys.ts';
import { adminQueueRoutes } from '../src/routes/admin-queues.ts';
import { launchBrowser } from './support/browser.ts';
import { type Harness, redisEnv, startHarness, uniquePrefix } from './support/harness.ts';
import { ROOT, type Runtime, type ServerProcess, startServer } from './support/server-process.ts';

const TOKEN = 'queue-board-token-7f3a9c2e41d8';
const BOARD = '/admin/queues';
const require = createRequire(import.meta.url);
const uiDir = join(dirname(require.resolve('@bull-board/ui/package.json')), 'dist');

const basic = (user: string, password: string) => ({
  Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** One request; every answer is checked for the token in its headers or body. */
async function send(server: ServerProcess, path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(server.baseUrl + path, init);
  const text = await response.text();
  expect(text).not.toContain(TOKEN);
  expect([...response.headers.values()].join('\n')).not.toContain(TOKEN);
  return { status: response.status, headers: response.headers, text };
}

function expectRefused(answer: Answer, message: string) {
  expect(answer.status).toBe(401);
  expect(answer.headers.get('www-authenticate')).toMatch(/^Basic realm="[^"]+"/);
  expect(JSON.parse(answer.text)).toEqual({ code: 401, message });
}

/** The logging of every request and line, so that the output check below has the most to look at. */
const loud = { LOG_LEVEL: 'debug', LOG_REQUESTS: 'true' };

describe.each<Runtime>(['node', 'deno'])('the queue dashboard on %s', (runtime) => {
  const prefix = uniquePrefix();
  const ref = { orderId: `board-${runtime}`, buyer: 'board-buyer', store: 'board-store' };
  const jobId = `settle-${ref.orderId}`;
  let server: ServerProcess;
  let producer: OrderQueue;
  let closeRedis: () => Promise<void>;

  beforeAll(async () => {
    // No workers: the queue holds just the job scheduled here, and it stays where it is put.
    server = await startServer(runtime, {
      ...redisEnv(),
      ...loud,
      KEY_PREFIX: prefix,
      WORKERS: 'off',
      ADMIN_TOKEN: TOKEN,
    });
    const redis = await connectRedis(
      { ...redisEnv(), DATA_DIR: '' },
      () => {},
      () => {},
    );
    closeRedis = redis.close;
    producer = createOrderQueue(redis.client, keySpace(prefix));
    await producer.scheduleSettle(ref);
  });
  afterAll(async () => {
    await server?.stop();
    await producer?.close();
    await closeRedis?.();
  });

  it('answers 401 JSON with a Basic challenge to a request without a token: page, API and UI file', async () => {
    for (const path of [BOARD, `${BOARD}/`, `${BOARD}/api/queues`, `${BOARD}/static/favicon.ico`]) {
      expectRefused(await send(server, path), 'admin token required');
    }
    expectRefused(await send(server, `${BOARD}/api/queues/pause`, { method: 'PUT' }), 'admin token required');
  });

  it('answers 401 to a wrong token, by Basic or Bearer, and to the token given as the user name', async () => {
    const wrong = [
      basic('admin', 'not-the-token-at-all'),
      basic('admin', TOKEN.slice(0, -1)),
      basic('admin', `${TOKEN}x`),
      basic(TOKEN, 'wrong'),
      bearer(TOKEN.slice(0, -1)),
      bearer(`${TOKEN}x`),
      bearer(TOKEN.toUpperCase()),
    ];
    for (const headers of wrong) {
      expectRefused(await send(server, `${BOARD}/api/queues`, { headers }), 'wrong admin token');
    }
    // The token under another scheme is no token at all.
    expectRefused(
      await send(server, BOARD, { headers: { Authorization: `Token ${TOKEN}` } }),
      'admin token required',
    );
  });

  it('serves the page and its UI files with the token, by Basic (any user name) or Bearer', async () => {
    for (const headers of [basic('admin', TOKEN), basic('', TOKEN), bearer(TOKEN)]) {
      const page = await send(server, BOARD, { headers });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.text).toContain(`<base href="${BOARD}/" />`);
    }
    const page = await send(server, `${BOARD}/queue/orders`, { headers: bearer(TOKEN) });
    expect(page.status).toBe(200);
    // Every script the page names is served, byte for byte the file bull-board ships.
    const scripts = [...page.text.matchAll(/src="(static\/js\/[^"]+\.js)"/g)].map((m) => m[1] as string);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      const file = await send(server, `${BOARD}/${script}`, { headers: basic('admin', TOKEN) });
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toMatch(/javascript/);
      expect(file.text).toBe(readFileSync(join(uiDir, script), 'utf8'));
    }
    expect((await send(server, `${BOARD}/static/nothing-here.js`, { headers: bearer(TOKEN) })).status).toBe(
      404,
    );
  });

  it("lists the orders queue with the job the service's producer scheduled, and acts on it", async () => {
    const list = async () => {
      const answer = await send(server, `${BOARD}/api/queues?activeQueue=orders&status=latest`, {
        headers: bearer(TOKEN),
      });
      expect(answer.status).toBe(200);
      const { queues } = JSON.parse(answer.text) as {
        queues: { name: string; counts: Record<string, number>; jobs: { id: string; data: unknown }[] }[];
      };
      expect(queues.map((q) => q.name)).toEqual(['orders']);
      return queues[0];
    };
    const before = await list();
    expect(before?.jobs).toEqual([expect.objectContaining({ id: jobId, name: 'settle', data: ref })]);
    expect(before?.counts).toMatchObject({ delayed: 1, waiting: 0 });

    // The board acts on the service's own keys: a promoted job is waiting in the service's queue.
    const promote = await send(server, `${BOARD}/api/queues/orders/${jobId}/promote`, {
      method: 'PUT',
      headers: bearer(TOKEN),
    });
    expect(promote.status).toBe(204);
    expect(await producer.queue.getJobState(jobId)).toBe('waiting');
    expect((await list())?.counts).toMatchObject({ delayed: 0, waiting: 1 });
  });

  it('shows the orders queue in a real browser that answers the login challenge with the token', async () => {
    const browser = await launchBrowser();
    try {
      // Chromium sends these credentials only in answer to the server's Basic challenge (a 401).
      const context = await browser.newContext({
        httpCredentials: { username: 'admin', password: TOKEN, send: 'unauthorized' },
      });
      const page = await context.newPage();
      // Nothing leaves the machine: the page's web font link (Google Fonts) is refused here.
      await page.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
      const failed: string[] = [];
      page.on('requestfailed', (request) => {
        if (request.url().startsWith(server.baseUrl)) failed.push(request.url());
      });
      page.on('pageerror', (error) => failed.push(error.message));
      expect((await page.goto(`${server.baseUrl}${BOARD}/queue/orders`))?.status()).toBe(200);
      await page.getByText(jobId).first().waitFor({ timeout: 30_000 });
      await page.screenshot({ path: join(ROOT, `artifacts/admin-queues-${runtime}.png`), fullPage: true });
      expect(failed).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it("never writes the token in the server's output", () => {
    expect(server.output()).not.toContain(TOKEN);
  });

  it('refuses to start with a token shorter than 16 characters, without printing it', async () => {
    const short = 'short-secret-x';
    const start = startServer(runtime, { ...redisEnv(), KEY_PREFIX: uniquePrefix(), ADMIN_TOKEN: short });
    const error = await start.then(
      () => undefined,
      (thrown: Error) => thrown,
    );
    expect(error?.message).toMatch(
      /invalid environment variable ADMIN_TOKEN: must be at least 16 characters/,
    );
    expect(error?.message).not.toContain(short);
  });
});

describe.each<Runtime>(['node', 'deno'])('without ADMIN_TOKEN on %s', (runtime) => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer(runtime, {
      ...redisEnv(),
      KEY_PREFIX: uniquePrefix(),
      ADMIN_TOKEN: undefined,
    });
  });
  afterAll(() => server?.stop());

  it("answers the service's usual 404 under /admin/queues, for any method and any token", async () => {
    for (const path of [BOARD, `${BOARD}/`, `${BOARD}/api/queues`, `${BOARD}/static/favicon.ico`]) {
      for (const method of ['GET', 'PUT']) {
        const answer = await send(server, path, { method, headers: bearer(TOKEN) });
        expect(answer.status).toBe(404);
        expect(JSON.parse(answer.text)).toEqual({ code: 404, message: `no such path: ${path}` });
        expect(answer.headers.get('www-authenticate')).toBeNull();
      }
    }
  });
});

describe('the dashboard in the app', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.close());

  const loadedBoardModules = () => Object.keys(require.cache).filter((path) => path.includes('@bull-board'));

  it('mounts nothing and loads nothing of bull-board without ADMIN_TOKEN; with it, loads it', async () => {
    expect(h.deps.config.ADMIN_TOKEN).toBeUndefined();
    expect(h.app.routes.filter((route) => route.path.startsWith(BOARD))).toEqual([]);
    expect((await h.app.request(BOARD)).status).toBe(404);
    expect(loadedBoardModules()).toEqual([]);

    // The same check sees bull-board once a board with a token has served a request.
    const board = adminQueueRoutes({ ...h.deps, config: { ...h.deps.config, ADMIN_TOKEN: TOKEN } });
    expect((await board.request(BOARD, { headers: bearer(TOKEN) })).status).toBe(200);
    expect(loadedBoardModules()).not.toEqual([]);
  });
});
