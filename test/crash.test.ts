/**
 * Crash recovery (DESIGN.md §4, §5): every cross-slot step is backed by a BullMQ job and reconcile()
 * is idempotent, so a process SIGKILLed between any two steps converges after a restart with no
 * human action. Each test runs against its own redis-server child (AOF, Unix socket) so killing
 * Redis never touches the suite's shared one, with a 3 s payment deadline:
 *   1. the server (workers inline) SIGKILLed at random moments under a concurrent load;
 *   2. WORKERS=off on the server and a separate worker process SIGKILLed while expiries are due;
 *   3. Redis SIGKILLed mid-load and restarted from its AOF while the server keeps running.
 * Afterwards the money and stock invariants are exact and no order is stuck.
 */
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { checkInvariants } from '../src/domain/invariants.ts';
import { QUEUE_NAME } from '../src/jobs/catalog.ts';
import { decodeId, type Keys, keySpace } from '../src/redis/keys.ts';
import { type Client, clientFor, newStore, newUser } from './support/client.ts';
import { uniquePrefix } from './support/harness.ts';
import { prng } from './support/prng.ts';
import { type RedisProcess, startRedis } from './support/redis-process.ts';
import { type ServerProcess, startServer } from './support/server-process.ts';
import { startWorker, type WorkerProcess } from './support/worker-process.ts';

const TIMEOUT_SECONDS = 3;
/** How long the store may take to converge once the load stopped (settle jobs wait 10 s, locks 5 s). */
const CONVERGE_MS = 15_000;
const BOOKS = ['a', 'b', 'c', 'd'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Everything a test started, undone after it (and in afterAll) even when the test failed. */
const cleanups: (() => Promise<unknown>)[] = [];
const cleanUp = async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
};
afterEach(cleanUp);
afterAll(cleanUp);

/** Real HTTP with a bound on every request: a request to a dying process never hangs the load. */
const timedClient = (baseUrl: string): Client =>
  clientFor((path, init) => fetch(baseUrl + path, { ...init, signal: AbortSignal.timeout(10_000) }));

/** The environment of a server or worker on the dedicated Redis under this test's prefix. */
const serviceEnv = (redis: RedisProcess, prefix: string, workers: 'inline' | 'off') => ({
  REDIS_URL: redis.url,
  REDIS_CLUSTER_NODES: undefined,
  KEY_PREFIX: prefix,
  ORDER_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS),
  WORKERS: workers,
});

/** The dedicated Redis of one test, stopped (and its directory removed) after it. */
async function dedicatedRedis() {
  const redis = await startRedis();
  cleanups.push(() => redis.stop());
  return redis;
}

/** A test-side connection to the dedicated Redis that survives its restarts. */
function connect(redis: RedisProcess) {
  const client = new Redis({ path: redis.socket });
  client.on('error', () => {});
  cleanups.push(async () => client.disconnect());
  return client;
}

/** The server, restartable on the same port; the current child is SIGKILLed after the test. */
async function restartableServer(env: Record<string, string | undefined>) {
  let current: ServerProcess = await startServer('node', env);
  const port = current.port;
  cleanups.push(() => current.kill('SIGKILL'));
  return {
    baseUrl: current.baseUrl,
    get current() {
      return current;
    },
    async killAndRestart(random: () => number) {
      await current.kill('SIGKILL');
      await sleep(random() * 300);
      current = await startServer('node', env, port);
    },
  };
}

type User = Awaited<ReturnType<typeof newUser>>;
interface Store {
  seller: User;
  store_id: string;
}
interface Order {
  buyer: User;
  store: Store;
  order_id: string;
}

async function setupWorld(c: Client) {
  const sellers = await Promise.all(Array.from({ length: 3 }, () => newUser(c)));
  const stores: Store[] = await Promise.all(
    sellers.map(async (seller) => ({
      seller,
      store_id: await newStore(
        c,
        seller,
        BOOKS.map((id, i) => ({ id, price: 100 * (i + 1), stock: 500 })),
      ),
    })),
  );
  const buyers = await Promise.all(Array.from({ length: 16 }, () => newUser(c, 100_000)));
  return { stores, buyers, funded: buyers.length * 100_000 };
}

/**
 * The concurrent load: `lanes` loops of new_order, pay_to_platform, ship,
 * confirm_receipt_and_pay_toseller (repeats included, as a client retrying after a dropped
 * connection would), cancel_order and add_funds (some withdrawals), until stopped. Connection errors
 * and any status are tolerated; every outcome is counted as `<op> <status>` or `<op> error`.
 */
function startLoad(
  c: Client,
  world: Awaited<ReturnType<typeof setupWorld>>,
  random: () => number,
  lanes: number,
) {
  const pick = <T>(list: T[]): T | undefined => list[Math.floor(random() * list.length)];
  const counts = new Map<string, number>();
  const t0 = Date.now();
  /** Per order id: what the load did to it and what it got back, with times since the load began. */
  const trace = new Map<string, string[]>();
  const log = (orderId: string, line: string) =>
    trace.set(orderId, [...(trace.get(orderId) ?? []), `${Date.now() - t0}ms ${line}`]);
  const recent: Order[] = [];
  const paid: Order[] = [];
  const remember = (list: Order[], order: Order) => {
    list.push(order);
    if (list.length > 60) list.shift();
  };
  let stopped = false;
  /** Net top-ups the clients were told succeeded, and how many add_funds had an unknown outcome. */
  const deposits = { acknowledged: world.funded, unknown: 0 };

  const call = async (
    op: string,
    path: string,
    body: { order_id?: string; [field: string]: unknown },
    headers?: Record<string, string>,
  ) => {
    const sent = Date.now() - t0;
    const note = (outcome: string | number) => {
      counts.set(`${op} ${outcome}`, (counts.get(`${op} ${outcome}`) ?? 0) + 1);
      if (body.order_id) log(body.order_id, `${op} ${outcome} (sent at ${sent}ms)`);
    };
    try {
      const reply = await c.post(path, body, headers);
      note(reply.status);
      // Answers no client should see from a healthy service are kept with their message.
      if (reply.status === 500 || reply.status === 530)
        log('', `${op} ${reply.status} "${reply.body.message}" (sent at ${sent}ms)`);
      return reply;
    } catch {
      note('error');
      await sleep(20 + random() * 80);
      return undefined;
    }
  };

  const newOrder = async (op: string) => {
    const buyer = pick(world.buyers) as User;
    const store = pick(world.stores) as Store;
    const books = Array.from({ length: 1 + Math.floor(random() * 2) }, () => ({
      id: pick(BOOKS) as string,
      count: 1 + Math.floor(random() * 2),
    }));
    const reply = await call(
      op,
      '/buyer/new_order',
      { user_id: buyer.user_id, store_id: store.store_id, books },
      { token: buyer.token },
    );
    if (reply?.status !== 200) return undefined;
    const order = { buyer, store, order_id: String(reply.body.order_id) };
    log(order.order_id, `${op} 200`);
    return order;
  };
  const asBuyer = (o: Order) => ({
    user_id: o.buyer.user_id,
    password: o.buyer.password,
    order_id: o.order_id,
  });

  const operation = async () => {
    const roll = random();
    if (roll < 0.3) {
      const order = await newOrder('new_order');
      if (order) remember(recent, order);
      return;
    }
    const fresh = pick(recent);
    const sold = pick(paid);
    if (roll < 0.52 && fresh) {
      const reply = await call('pay', '/buyer/pay_to_platform', asBuyer(fresh));
      if (reply?.status === 200) remember(paid, fresh);
    } else if (roll < 0.6 && fresh) {
      await call('cancel', '/buyer/cancel_order', asBuyer(fresh));
    } else if (roll < 0.72 && sold) {
      const { seller, store_id } = sold.store;
      await call(
        'ship',
        '/seller/ship',
        { user_id: seller.user_id, store_id, order_id: sold.order_id },
        { token: seller.token },
      );
    } else if (roll < 0.88 && sold) {
      await call('confirm', '/buyer/confirm_receipt_and_pay_toseller', asBuyer(sold));
    } else {
      const buyer = pick(world.buyers) as User;
      const add_value = random() < 0.7 ? 1 + Math.floor(random() * 2000) : -(1 + Math.floor(random() * 3000));
      const reply = await call('add_funds', '/buyer/add_funds', {
        user_id: buyer.user_id,
        password: buyer.password,
        add_value,
      });
      if (reply?.status === 200) deposits.acknowledged += add_value;
      else if (!reply || reply.status === 503) deposits.unknown++;
    }
  };

  const done = Promise.all(
    Array.from({ length: lanes }, async () => {
      while (!stopped) await operation();
    }),
  );
  return {
    counts,
    trace,
    deposits,
    /** Notes an event (a kill, a restart) on the load's clock. */
    mark: (event: string) => log('', event),
    events: () => (trace.get('') ?? []).join('; '),
    ok: (op: string) => counts.get(`${op} 200`) ?? 0,
    /** `n` new orders at once, left unpaid: their expiries all come due together. */
    burst: (n: number) => Promise.all(Array.from({ length: n }, () => newOrder('burst_order'))),
    async stop() {
      stopped = true;
      await done;
    },
    summary: () => JSON.stringify(Object.fromEntries([...counts].sort())),
  };
}

async function scan(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}

/**
 * What checkInvariants cannot see: a reservation still held whose order was never created (missing,
 * or a `void` tombstone) keeps its stock counted as held, so the stock sum balances while the
 * stock is lost for good.
 */
async function strandedReservations(redis: Redis, keys: Keys): Promise<string[]> {
  const problems: string[] = [];
  for (const storeKey of await scan(redis, keys.patterns.stores)) {
    const store = decodeId(storeKey.slice(`${keys.prefix}:{s:`.length, storeKey.length - '}:store'.length));
    for (const resvKey of await scan(redis, keys.patterns.reservations(store))) {
      const [state, buyer] = await redis.hmget(resvKey, 'state', 'buyer');
      if (state !== 'held' || !buyer) continue;
      const orderId = decodeId(resvKey.slice(resvKey.lastIndexOf(':resv:') + 6));
      const status = await redis.hget(keys.order(buyer, orderId), 'status');
      if (!status || status === 'void')
        problems.push(`reservation ${orderId} in ${store} held but its order is ${status ?? 'missing'}`);
    }
  }
  return problems;
}

/**
 * Waits past every payment deadline, then checks the invariants (no grace: every deadline is over)
 * until they hold or CONVERGE_MS passed. Returns the last report, its problems and the wait.
 */
async function converge(redis: Redis, keys: Keys) {
  await sleep(TIMEOUT_SECONDS * 1000 + 500);
  const started = Date.now();
  for (;;) {
    const report = await checkInvariants(redis, keys, Date.now(), 0);
    const problems = [...report.problems, ...(await strandedReservations(redis, keys))];
    if (problems.length === 0 || Date.now() - started > CONVERGE_MS) {
      return { report, problems, waitedMs: Date.now() - started + TIMEOUT_SECONDS * 1000 + 500 };
    }
    await sleep(500);
  }
}

/** The queue's job counts and stalled-job recoveries, for the report. */
function watchQueue(redis: RedisProcess, keys: Keys) {
  const connection = { path: redis.socket };
  const queue = new Queue(QUEUE_NAME, { connection, prefix: keys.queuePrefix() });
  const events = new QueueEvents(QUEUE_NAME, {
    connection: { ...connection, maxRetriesPerRequest: null },
    prefix: keys.queuePrefix(),
  });
  queue.on('error', () => {});
  events.on('error', () => {});
  let stalled = 0;
  events.on('stalled', () => stalled++);
  const close = async () => {
    await Promise.allSettled([events.close(), queue.close()]);
  };
  cleanups.push(close);
  /** Resolves true as soon as a job turns active (a worker is running it), false after `ms`. */
  const nextActive = (ms: number) =>
    new Promise<boolean>((resolve) => {
      const seen = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        events.off('active', seen);
        resolve(false);
      }, ms);
      events.once('active', seen);
    });
  return {
    queue,
    nextActive,
    stalled: () => stalled,
    counts: () => queue.getJobCounts('active', 'wait', 'delayed', 'failed', 'completed'),
    close,
  };
}

/**
 * For a failure message: the stored state behind each order a problem names (order hash, its
 * reservation, the seller's payout ledger, its expire/settle jobs) and what the load did to it.
 */
async function diagnose(
  redis: Redis,
  keys: Keys,
  queue: Queue,
  problems: string[],
  load: ReturnType<typeof startLoad>,
): Promise<string> {
  const lines: string[] = [`events: ${load.events()}`];
  for (const problem of problems) {
    const orderId = /(?:order|reservation) ([0-9a-f-]{36})/.exec(problem)?.[1];
    if (!orderId) continue;
    const store = /in (\S+) held/.exec(problem)?.[1];
    const placed = [...load.trace.entries()].find(([id]) => id === orderId);
    let buyer = (store && (await redis.hget(keys.reservation(store, orderId), 'buyer'))) || undefined;
    buyer ??= (await scan(redis, `${keys.prefix}:{u:*}:order:${orderId}`))[0]?.match(/\{u:([^}]*)\}/)?.[1];
    const order = buyer ? await redis.hgetall(keys.order(decodeId(buyer), orderId)) : {};
    const resv =
      store || order.store ? await redis.hgetall(keys.reservation(store ?? order.store ?? '', orderId)) : {};
    const credited = order.seller ? await redis.sismember(keys.payouts(order.seller), orderId) : undefined;
    const jobs = await Promise.all(
      ['expire', 'settle'].map(async (name) => `${name}: ${await queue.getJobState(`${name}-${orderId}`)}`),
    );
    const { items: _items, ...orderFields } = order;
    const { items: _resvItems, ...resvFields } = resv;
    lines.push(
      `${problem}\n    order ${JSON.stringify(orderFields)}\n    reservation ${JSON.stringify(resvFields)}` +
        `\n    credited ${credited}; jobs ${jobs.join(', ')}\n    load: ${(placed?.[1] ?? []).join('; ')}`,
    );
  }
  return lines.join('\n  ');
}

describe('crash recovery', () => {
  it('converges after the server is SIGKILLed at random moments under a concurrent load', {
    timeout: 90_000,
  }, async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
    const random = prng(seed);
    const redis = await dedicatedRedis();
    const keys = keySpace(uniquePrefix());
    const watch = watchQueue(redis, keys);
    const server = await restartableServer(serviceEnv(redis, keys.prefix, 'inline'));
    const c = timedClient(server.baseUrl);
    const world = await setupWorld(c);
    const started = Date.now();

    const load = startLoad(c, world, random, 12);
    let kills = 0;
    for (let i = 0; i < 5; i++) {
      await sleep(500 + random() * 1000);
      load.mark(`server kill ${i + 1}`);
      await server.killAndRestart(random);
      load.mark(`server ${i + 1} up`);
      kills++;
    }
    await sleep(1000); // the load works on the last server too
    await load.stop();
    const loadMs = Date.now() - started;

    const check = connect(redis);
    const { report, problems, waitedMs } = await converge(check, keys);
    const jobs = await watch.counts();
    console.log(
      `[crash 1] seed ${seed}: ${kills} server kills survived; load ${loadMs} ms, converged check after ${waitedMs} ms; ` +
        `${report.orders} orders; stalled jobs recovered ${watch.stalled()}; jobs ${JSON.stringify(jobs)}\n  ${load.summary()}\n  events: ${load.events()}`,
    );
    const why = problems.length ? await diagnose(check, keys, watch.queue, problems, load) : '';
    expect(problems, `seed ${seed}: ${load.summary()}\n  ${why}`).toEqual([]);
    expect(kills).toBeGreaterThanOrEqual(5);
    expect(load.ok('new_order')).toBeGreaterThan(0);
    expect(load.ok('pay')).toBeGreaterThan(0);
    expect(load.ok('confirm')).toBeGreaterThan(0);
    expect(report.money.deposited).toBeGreaterThan(0);
  });

  it('converges when a separate worker process (WORKERS=off on the server) is SIGKILLed while expiries are due', {
    timeout: 90_000,
  }, async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
    const random = prng(seed + 1);
    const redis = await dedicatedRedis();
    const keys = keySpace(uniquePrefix());
    const watch = watchQueue(redis, keys);
    const env = serviceEnv(redis, keys.prefix, 'off');
    const server = await restartableServer(env);
    let worker: WorkerProcess = await startWorker(env);
    cleanups.push(() => worker.kill('SIGKILL'));
    const c = timedClient(server.baseUrl);
    const world = await setupWorld(c);
    const started = Date.now();

    const load = startLoad(c, world, random, 6);
    let workerKills = 0;
    let serverKills = 0;
    const activeAtKill: number[] = [];
    // A burst of unpaid orders whose expiries all come due together, 3 s later; the worker is
    // killed inside that window, a new burst is placed while it is down, and so on.
    let burstStart = Date.now();
    await load.burst(50);
    let spread = Date.now() - burstStart;
    for (let i = 0; i < 4; i++) {
      // Kill at the first job that turns active once the burst comes due (its expiries, or the
      // backlog a freshly started worker picks up), so the kill lands while jobs are being run.
      await sleep(burstStart + TIMEOUT_SECONDS * 1000 - 100 - Date.now());
      const hit = await watch.nextActive(spread + 3000);
      await sleep(random() * 20);
      activeAtKill.push(hit ? ((await watch.queue.getJobCounts('active')).active ?? 0) : -1);
      load.mark(`worker kill ${i + 1}`);
      await worker.kill('SIGKILL');
      workerKills++;
      burstStart = Date.now();
      const [restarted] = await Promise.all([
        (async () => {
          if (i % 2 === 0) {
            load.mark(`server kill ${serverKills + 1}`);
            await server.killAndRestart(random);
            serverKills++;
          }
          await sleep(random() * 300);
          return startWorker(env);
        })(),
        (async () => {
          await load.burst(50);
          spread = Date.now() - burstStart;
        })(),
      ]);
      worker = restarted;
      load.mark(`worker ${i + 1} up`);
    }
    await load.stop();
    const loadMs = Date.now() - started;

    const check = connect(redis);
    const { report, problems, waitedMs } = await converge(check, keys);
    const jobs = await watch.counts();
    console.log(
      `[crash 2] seed ${seed}: ${workerKills} worker kills (active jobs at each, -1: none turned active in time: ${activeAtKill.join(', ')}) and ` +
        `${serverKills} server kills survived; load ${loadMs} ms, converged check after ${waitedMs} ms; ` +
        `${report.orders} orders; stalled jobs recovered ${watch.stalled()}; jobs ${JSON.stringify(jobs)}\n  ${load.summary()}\n  events: ${load.events()}`,
    );
    const why = problems.length ? await diagnose(check, keys, watch.queue, problems, load) : '';
    expect(problems, `seed ${seed}: ${load.summary()}\n  ${why}`).toEqual([]);
    expect(workerKills).toBeGreaterThanOrEqual(4);
    // The kills really interrupted running jobs, and those were taken over by the next worker.
    expect(watch.stalled()).toBeGreaterThan(0);
    expect(load.ok('burst_order')).toBeGreaterThan(0);
    expect(load.ok('new_order')).toBeGreaterThan(0);
    expect(load.ok('pay')).toBeGreaterThan(0);
    expect(load.ok('confirm')).toBeGreaterThan(0);
    await worker.stop();
  });

  it('converges after Redis itself is SIGKILLed mid-load and restarted from its AOF', {
    timeout: 90_000,
  }, async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
    const random = prng(seed + 2);
    const redis = await dedicatedRedis();
    const keys = keySpace(uniquePrefix());
    const server = await restartableServer(serviceEnv(redis, keys.prefix, 'inline'));
    const c = timedClient(server.baseUrl);
    const world = await setupWorld(c);
    const started = Date.now();

    const load = startLoad(c, world, random, 12);
    let kills = 0;
    for (let i = 0; i < 3; i++) {
      await sleep(800 + random() * 1200);
      load.mark(`redis kill ${i + 1}`);
      await redis.kill('SIGKILL');
      kills++;
      await sleep(200 + random() * 600);
      await redis.restart();
      load.mark(`redis ${i + 1} up`);
    }
    const ordersBefore = load.ok('new_order');
    await sleep(2000); // the server reconnects and serves again
    await load.stop();
    const loadMs = Date.now() - started;
    const ordersAfterRestart = load.ok('new_order') - ordersBefore;

    const check = connect(redis);
    const { report, problems, waitedMs } = await converge(check, keys);
    const watch = watchQueue(redis, keys);
    const jobs = await watch.counts();
    // Not one of the invariants, reported only: with no add_funds of unknown outcome, the net
    // deposits recorded should be exactly those the clients were told about.
    const { acknowledged, unknown } = load.deposits;
    const ledger = unknown
      ? `${unknown} add_funds of unknown outcome`
      : `deposits recorded ${report.money.deposited} vs acknowledged ${acknowledged}`;
    console.log(
      `[crash 3] seed ${seed}: ${kills} Redis kills survived; load ${loadMs} ms, ${ordersAfterRestart} orders placed ` +
        `after the last restart; converged check after ${waitedMs} ms; ${report.orders} orders; ${ledger}; ` +
        `jobs ${JSON.stringify(jobs)}\n  ${load.summary()}\n  events: ${load.events()}`,
    );
    const why = problems.length ? await diagnose(check, keys, watch.queue, problems, load) : '';
    await watch.close();
    expect(server.current.child.exitCode, server.current.output()).toBeNull();
    expect(problems, `seed ${seed}: ${load.summary()}\n  ${why}`).toEqual([]);
    expect(ordersAfterRestart).toBeGreaterThan(0);
    expect(load.ok('new_order')).toBeGreaterThan(0);
    expect(load.ok('pay')).toBeGreaterThan(0);
    expect(load.ok('confirm')).toBeGreaterThan(0);
  });
});
