/**
 * SIGTERM on the real server (Node and Deno) under load, against the run's Redis: the requests in
 * flight at the signal (held open by the test: their bodies follow only after it) are answered in
 * full, new connections are refused, the order jobs running (held by test/support/held-server.ts
 * until the test releases them) finish and their effect is in Redis, and the process exits 0 within
 * its grace with nothing logged as an error. A job that never ends still ends the process within
 * the grace, naming the step, with 1. A worker whose Redis connection is between reconnect attempts
 * (what once hung a Deno server's shutdown in CI) no longer holds the shutdown. The worker process
 * (workers/run.ts) finishes its running jobs the same way.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { shardOf } from '../src/domain/expiry.ts';
import { connectRedis } from '../src/redis/connect.ts';
import { keySpace } from '../src/redis/keys.ts';
import { type Client, expectOk, httpClient, newUser, uid } from './support/client.ts';
import { heldRequest, keepAliveLoad, newConnection, until } from './support/graceful.ts';
import { redisEnv, uniquePrefix } from './support/harness.ts';
import { startRedis } from './support/redis-process.ts';
import { type Runtime, type ServerProcess, startServer } from './support/server-process.ts';
import { startWorker } from './support/worker-process.ts';

const HELD_SERVER = 'test/support/held-server.ts';
const HELD_WORKER = 'test/support/held-sweeps-worker.ts';

const redis = await connectRedis(
  { ...redisEnv(), DATA_DIR: '' },
  () => {},
  () => {},
);
afterAll(() => redis.close());

/** A store (its id fixed before any server starts, so its sweep shard is known) and its book. */
function plannedStore() {
  const store_id = uid('store');
  return { store_id, book: uid('book'), shard: shardOf(store_id) };
}

/** The seller's store with 10 of the book, a buyer's unpaid order of 2, and that order's deadline. */
async function unpaidOrder(client: Client, prefix: string, store: ReturnType<typeof plannedStore>) {
  const seller = await newUser(client);
  const buyer = await newUser(client, 1_000);
  const { store_id, book } = store;
  const token = (user: { token: string }) => ({ token: user.token });
  await expectOk(client.post('/seller/create_store', { user_id: seller.user_id, store_id }, token(seller)));
  await expectOk(
    client.post(
      '/seller/add_book',
      {
        user_id: seller.user_id,
        store_id,
        book_info: { id: book, title: 'Held', price: 10 },
        stock_level: 10,
      },
      token(seller),
    ),
  );
  const placed = await expectOk(
    client.post(
      '/buyer/new_order',
      { user_id: buyer.user_id, store_id, books: [{ id: book, count: 2 }] },
      token(buyer),
    ),
  );
  const orderId = String(placed.body.order_id);
  const keys = keySpace(prefix);
  const orderKey = keys.order(buyer.user_id, orderId);
  const deadline = Number(await redis.client.hget(orderKey, 'expires_at'));
  return {
    deadline,
    status: () => redis.client.hget(orderKey, 'status'),
    stock: () => redis.client.hget(keys.stock(store_id), book),
  };
}

/** The environment of a server or worker whose held sweeps wait for the file `release`. */
function holding(store: ReturnType<typeof plannedStore>) {
  const release = join(mkdtempSync(join(tmpdir(), 'bookstore-hold-')), 'release');
  return {
    env: { HOLD_SWEEP_SHARD: String(store.shard), HOLD_RELEASE_FILE: release, ORDER_TIMEOUT_SECONDS: '1' },
    release: () => writeFileSync(release, ''),
    released: () => existsSync(release),
  };
}

const exited = (server: { child: ServerProcess['child'] }) =>
  new Promise<number | null>((resolve) => {
    if (server.child.exitCode !== null || server.child.signalCode !== null) resolve(server.child.exitCode);
    else server.child.once('exit', (code) => resolve(code));
  });

const heldJobs = (output: string) => output.split('\n').filter((line) => line.startsWith('held ')).length;

describe.each<Runtime>(['node', 'deno'])('graceful shutdown on %s', (runtime) => {
  it('answers the requests in flight, refuses new connections, finishes the jobs running, exits 0', {
    timeout: 120_000,
  }, async () => {
    const GRACE_MS = 15_000;
    const prefix = uniquePrefix();
    const store = plannedStore();
    const hold = holding(store);
    const server = await startServer(
      runtime,
      { ...redisEnv(), KEY_PREFIX: prefix, SHUTDOWN_GRACE_MS: String(GRACE_MS), ...hold.env },
      undefined,
      undefined,
      undefined,
      HELD_SERVER,
    );
    try {
      const client = httpClient(server.baseUrl);
      const order = await unpaidOrder(client, prefix, store);
      const topper = await newUser(client);
      await until('a sweep of the order shard held', () => heldJobs(server.output()) > 0);

      // Load: keep-alive clients reading a stock level without pause, through the signal.
      const stopLoad = exited(server);
      const load = keepAliveLoad(
        server.baseUrl,
        16,
        { path: '/seller/get_stock_level', body: { store_id: store.store_id, book_id: store.book } },
        stopLoad,
      );
      await load.answeredAtLeast(100);
      // In flight at the signal: top-ups whose bodies the server waits for.
      const topUp = { user_id: topper.user_id, password: topper.password, add_value: 5 };
      const held = await Promise.all(
        Array.from({ length: 5 }, () => heldRequest(server.port, '/buyer/add_funds', topUp)),
      );
      // The held sweep runs after its release, past the order's deadline.
      await until('the order past its deadline', () => Date.now() > order.deadline + 50);

      const signalled = performance.now();
      server.child.kill('SIGTERM');
      // Deno first turns new requests away (503) while the bodies of those in flight arrive.
      await until('no new connection served', async () => (await newConnection(server.port)) !== 'served');
      const meanwhile = await newConnection(server.port);
      expect(runtime === 'node' ? [meanwhile] : ['refused', 'turned away']).toContain(meanwhile);
      expect(held.every((request) => request.pending())).toBe(true);
      expect(await order.status(), 'the held sweep has not run yet').toBe('unpaid');

      // The job finishes while the shutdown still waits for the requests in flight.
      hold.release();
      await until('the held sweep cancelled the order', async () => (await order.status()) === 'cancelled');
      expect(server.child.exitCode, 'waiting for the requests in flight').toBeNull();
      const answers = await Promise.all(held.map((request) => request.send()));
      for (const answer of answers) expect(answer, JSON.stringify(answer)).toMatchObject({ status: 200 });
      expect(answers.map((answer) => JSON.parse(answer.body))).toEqual(
        Array(5).fill({ code: 200, message: 'ok' }),
      );
      await until('new connections refused', async () => (await newConnection(server.port)) === 'refused');

      const code = await exited(server);
      const shutdownMs = performance.now() - signalled;
      const outcomes = await load.done();
      console.log(
        `[graceful ${runtime}] exited ${code} ${Math.round(shutdownMs)} ms after SIGTERM; load ${JSON.stringify(outcomes)}`,
      );

      expect(code, server.output()).toBe(0);
      expect(shutdownMs).toBeLessThan(GRACE_MS);
      expect(server.output()).not.toMatch(/error|unhandled|uncaught|took over/i);
      expect(await order.stock(), 'the stock of the order returned').toBe('10');
      expect(await redis.client.hget(keySpace(prefix).user(topper.user_id), 'balance')).toBe('25');
      expect(outcomes.broken, 'answers cut short').toEqual([]);
      expect(
        Object.keys(outcomes.answered)
          .map(Number)
          .filter((s) => s !== 200 && s !== 503),
      ).toEqual([]);
    } finally {
      hold.release();
      await server.kill('SIGKILL');
    }
  });

  it('exits 1 within the grace, naming the step, when a job never ends', { timeout: 60_000 }, async () => {
    const GRACE_MS = 2_000;
    const store = plannedStore();
    const hold = holding(store);
    const server = await startServer(
      runtime,
      { ...redisEnv(), KEY_PREFIX: uniquePrefix(), SHUTDOWN_GRACE_MS: String(GRACE_MS), ...hold.env },
      undefined,
      undefined,
      undefined,
      HELD_SERVER,
    );
    try {
      await until('a sweep held', () => heldJobs(server.output()) > 0);
      const signalled = performance.now();
      server.child.kill('SIGTERM');
      const code = await exited(server);
      const shutdownMs = performance.now() - signalled;
      expect(code).toBe(1);
      expect(shutdownMs).toBeGreaterThanOrEqual(GRACE_MS - 50);
      expect(shutdownMs).toBeLessThan(GRACE_MS + 3_000);
      expect(server.output()).toMatch(
        /shutdown after SIGTERM took over 2000 ms \(at: [^)]*finishing the order jobs running \(\d+\)/,
      );
    } finally {
      await server.kill('SIGKILL');
    }
  });

  it('is not held by an order worker whose Redis connection is between reconnect attempts', {
    timeout: 60_000,
  }, async () => {
    // A Redis of its own: it will refuse new connections (a password is set), keeping the worker's
    // dropped blocking connection in its reconnect loop while every other connection stays up.
    const dedicated = await startRedis();
    const admin = new Redis({ path: dedicated.socket });
    const server = await startServer(runtime, {
      REDIS_URL: dedicated.url,
      REDIS_CLUSTER_NODES: undefined,
      KEY_PREFIX: uniquePrefix(),
      SHUTDOWN_GRACE_MS: '10000',
    });
    try {
      const blocking = async () =>
        String(await admin.client('LIST'))
          .split('\n')
          .filter((line) => line.includes('cmd=bzpopmin'))
          .map((line) => /^id=(\d+)/.exec(line)?.[1] ?? '');
      await until('the worker blocking on its queue', async () => (await blocking()).length > 0);
      await admin.config('SET', 'requirepass', 'not-for-the-worker');
      for (const id of await blocking()) await admin.client('KILL', 'ID', id);
      const refusals = async () =>
        Number(/errorstat_NOAUTH:count=(\d+)/.exec(await admin.info('errorstats'))?.[1] ?? 0);
      await until('the dropped connection refused twice', async () => (await refusals()) >= 2);

      const signalled = performance.now();
      server.child.kill('SIGTERM');
      const code = await exited(server);
      const shutdownMs = performance.now() - signalled;
      expect(code, server.output()).toBe(0);
      // Before the fix the shutdown waited for the whole grace (10 s) and exited 1.
      expect(shutdownMs).toBeLessThan(5_000);
    } finally {
      await server.kill('SIGKILL');
      await admin.config('SET', 'requirepass', '').catch(() => {});
      admin.disconnect();
      await dedicated.stop();
    }
  });
});

describe.each<Runtime>(['node', 'deno'])(
  'graceful shutdown of the WEB_CONCURRENCY primary on %s',
  (runtime) => {
    it('stops its processes, then the embedded Redis, and exits 0', { timeout: 120_000 }, async () => {
      const server = await startServer(runtime, {
        REDIS_URL: undefined,
        REDIS_CLUSTER_NODES: undefined,
        KEY_PREFIX: uniquePrefix(),
        WEB_CONCURRENCY: '2',
        LOG_LEVEL: 'info',
      });
      try {
        await until(
          'both processes listening',
          () => server.output().split('listening on http').length === 3,
        );
        const socket = /embedded Redis started on (\S+)/.exec(server.output())?.[1] ?? '';
        const embedded = new Redis({ path: socket });
        expect(await embedded.ping()).toBe('PONG');
        embedded.disconnect();
        server.child.kill('SIGTERM');
        const code = await exited(server);
        expect(code, server.output()).toBe(0);
        expect(server.output()).not.toMatch(/"level":"(warn|error)"|took over|unhandled|uncaught/i);
        expect(existsSync(socket), 'the embedded Redis stopped').toBe(false);
      } finally {
        await server.kill('SIGKILL');
      }
    });
  },
);

describe('graceful shutdown of the worker process', () => {
  it('finishes the jobs it runs and exits 0', { timeout: 120_000 }, async () => {
    const prefix = uniquePrefix();
    const store = plannedStore();
    const hold = holding(store);
    const env = { ...redisEnv(), KEY_PREFIX: prefix, ...hold.env };
    const server = await startServer('node', { ...env, WORKERS: 'off' });
    try {
      const order = await unpaidOrder(httpClient(server.baseUrl), prefix, store);
      const worker = await startWorker(env, HELD_WORKER);
      try {
        await until('a sweep held', () => heldJobs(worker.output()) > 0);
        await until('the order past its deadline', () => Date.now() > order.deadline + 50);
        worker.child.kill('SIGTERM');
        expect(await order.status(), 'the held sweep has not run yet').toBe('unpaid');
        hold.release();
        const code = await exited(worker);
        expect(code, worker.output()).toBe(0);
        expect(await order.status()).toBe('cancelled');
        expect(await order.stock()).toBe('10');
        expect(worker.output()).not.toMatch(/"level":"error"|took over/);
      } finally {
        hold.release();
        await worker.kill('SIGKILL');
      }
    } finally {
      await server.stop();
    }
  });
});
