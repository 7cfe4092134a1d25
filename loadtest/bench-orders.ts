/**
 * Order-path benchmark: `npm run bench:orders` (or `npx tsx loadtest/bench-orders.ts`).
 *
 * Starts a throwaway redis-server (unless REDIS_URL is set) and the real server on Node on a free
 * loopback port, builds a world over HTTP (a seller, one store with large stock, many buyers with
 * funds), then drives it with autocannon on 127.0.0.1, each phase bounded in time:
 *   (1) GET /healthz                   the baseline of this machine in this run;
 *   (2) POST /buyer/new_order          each request a different buyer/token and body;
 *   (3) POST /buyer/pay_to_platform    each request pays a different order created beforehand, once;
 *   (4) GET /healthz again             how far the machine's load moved during the run.
 * It prints requests/s, p50/p99 latency and non-2xx counts, the ratios to the baseline, and then
 * checks over HTTP that stock + sold == initial stock and that the buyers' balances dropped by exactly
 * the amounts paid. Exit code 0 only when no phase saw a non-2xx or a socket error and the totals hold.
 *
 * Environment: BENCH_SECONDS (10), BENCH_CONNECTIONS (50), BENCH_BUYERS (200), BENCH_BOOKS (4),
 * REDIS_URL (use that Redis, under a fresh key prefix), PASSWORD_CACHE_SECONDS (passed to the server;
 * default here 3600, see loadtest/README.md).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { type ServerProcess, startServer } from '../test/support/server-process.ts';
import * as api from './scenarios/api.ts';
import {
  buyerId,
  catalogue,
  orderAmount,
  orderLines,
  passwordOf,
  priceList,
  runTag,
  sellerId,
  storeId,
} from './scenarios/catalog.ts';
import { asOrders, balanceDrift, type OrderRecord, stockRows, tallyOrders } from './scenarios/consistency.ts';

// ---------------------------------------------------------------------------------------------------
// Settings

function intEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} must be an integer >= ${min}, got ${raw}`);
  return value;
}

const SECONDS = intEnv('BENCH_SECONDS', 10, 1);
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 50, 1);
const BUYERS = intEnv('BENCH_BUYERS', 200, 1);
const BOOKS = intEnv('BENCH_BOOKS', 4, 1);
const STOCK_PER_BOOK = 100_000_000;
const FUNDS_PER_BUYER = 1_000_000_000;
const WARMUP_SECONDS = 1;
const PAY_WARMUP_SECONDS = 2;
const SETUP_CONCURRENCY = 8;
/**
 * Orders prepared for the pay phase: the pay rate seen in its warm-up times this margin (a warm-up
 * runs slower than the steady state), capped by the healthz rate (paying cannot be cheaper than it).
 */
const PAY_POOL_MARGIN = 3;

// ---------------------------------------------------------------------------------------------------
// Child processes

interface RedisChild {
  url: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

function waitExit(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function pingSocket(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const conn = createConnection(socket);
    const done = (ok: boolean) => {
      conn.destroy();
      resolve(ok);
    };
    conn.setTimeout(500, () => done(false));
    conn.once('error', () => done(false));
    conn.once('data', (chunk) => done(chunk.toString().startsWith('+PONG')));
    conn.once('connect', () => conn.write('PING\r\n'));
  });
}

async function startRedis(dir: string): Promise<RedisChild> {
  const socket = join(dir, 'r.sock');
  const args = [
    '--port',
    '0',
    '--unixsocket',
    socket,
    '--unixsocketperm',
    '700',
    '--save',
    '',
    '--appendonly',
    'no',
  ];
  const child = spawn('redis-server', [...args, '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let spawnError: Error | undefined;
  child.once('error', (error: NodeJS.ErrnoException) => {
    spawnError =
      error.code === 'ENOENT' ? new Error('redis-server not found: install it or set REDIS_URL') : error;
  });
  const stop = () => waitExit(child, 5000);
  for (let i = 0; i < 200; i++) {
    if (spawnError) throw spawnError;
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}:\n${output}`);
    if (await pingSocket(socket)) return { url: `unix://${socket}`, pid: child.pid, stop };
    await sleep(50);
  }
  await stop();
  throw new Error(`redis-server did not answer on ${socket} within 10 s:\n${output}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------
// CPU use per phase (Linux /proc), to tell whether the server, Redis or the load generator is the limit

let clockTicks = 100;
try {
  clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
} catch {
  // keep the usual 100
}

/** CPU seconds used so far by a process, or undefined where /proc cannot tell. */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state is field 3 of stat(5), utime 14 and stime 15.
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return undefined;
  }
}

interface CpuMark {
  at: number;
  server: number | undefined;
  redis: number | undefined;
  bench: number;
}

const cpuPids: { server?: number; redis?: number } = {};

function cpuMark(): CpuMark {
  const own = process.cpuUsage();
  return {
    at: performance.now(),
    server: cpuSeconds(cpuPids.server),
    redis: cpuSeconds(cpuPids.redis),
    bench: (own.user + own.system) / 1e6,
  };
}

/** Percent of one core used by each process between two marks. */
function cpuShare(from: CpuMark, to: CpuMark) {
  const wall = (to.at - from.at) / 1000;
  const pct = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || wall <= 0 ? Number.NaN : (100 * (b - a)) / wall;
  return {
    server: pct(from.server, to.server),
    redis: pct(from.redis, to.redis),
    bench: pct(from.bench, to.bench),
  };
}

// ---------------------------------------------------------------------------------------------------
// Plain HTTP for set-up and verification

interface Sent {
  status: number;
  reply: api.Reply | undefined;
}

async function send(base: string, req: api.ApiRequest): Promise<Sent> {
  const response = await fetch(base + req.path, { method: req.method, headers: req.headers, body: req.body });
  return { status: response.status, reply: api.parseReply(await response.text()) };
}

async function must(base: string, req: api.ApiRequest): Promise<api.Reply> {
  const sent = await send(base, req);
  if (sent.status !== 200 || !sent.reply)
    throw new Error(`${req.name} ${req.path}: HTTP ${sent.status} ${JSON.stringify(sent.reply ?? null)}`);
  return sent.reply;
}

/** Runs `fn` over `items` with at most `limit` at a time; results in order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  });
  await Promise.all(lanes);
  return results;
}

// ---------------------------------------------------------------------------------------------------
// The world

interface Buyer {
  user_id: string;
  password: string;
  token: string;
}

interface World {
  store: string;
  seller: { user_id: string; password: string; token: string };
  books: api.BookInfo[];
  prices: Record<string, number>;
  buyers: Buyer[];
}

async function account(base: string, user_id: string): Promise<Buyer> {
  const password = passwordOf(user_id);
  await must(base, api.register(user_id, password));
  const token = api.stringField(await must(base, api.login(user_id, password, 'bench')), 'token');
  if (!token) throw new Error(`login ${user_id}: no token`);
  return { user_id, password, token };
}

async function buildWorld(base: string, tag: string): Promise<World> {
  const seller = await account(base, sellerId(tag));
  const store = storeId(tag);
  await must(base, api.createStore(seller.user_id, seller.token, store));
  const books = catalogue(tag, BOOKS);
  for (const book of books)
    await must(base, api.addBook(seller.user_id, seller.token, store, book, STOCK_PER_BOOK));
  const ids = Array.from({ length: BUYERS }, (_, i) => buyerId(tag, i));
  const buyers = await mapLimit(ids, SETUP_CONCURRENCY, async (id) => {
    const buyer = await account(base, id);
    await must(base, api.addFunds(buyer.user_id, buyer.password, FUNDS_PER_BUYER));
    return buyer;
  });
  return { store, seller, books, prices: priceList(books), buyers };
}

// ---------------------------------------------------------------------------------------------------
// autocannon phases

interface PhaseResult {
  name: string;
  result: autocannon.Result;
  cpu?: ReturnType<typeof cpuShare>;
}

/** Runs one measured phase and records the CPU each process used meanwhile. */
async function measured(name: string, run: () => Promise<autocannon.Result>): Promise<PhaseResult> {
  const before = cpuMark();
  const result = await run();
  return { name, result, cpu: cpuShare(before, cpuMark()) };
}

function runCannon(options: autocannon.Options, hardStopSeconds?: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const instance = autocannon(options, (error, result) => {
      if (timer) clearTimeout(timer);
      if (error) reject(error);
      else resolve(result);
    });
    // Runs bounded by `amount` get a time limit as well.
    if (hardStopSeconds !== undefined) timer = setTimeout(() => instance.stop(), hardStopSeconds * 1000);
  });
}

function cannonRequest(req: api.ApiRequest, base: autocannon.Request): autocannon.Request {
  return { ...base, method: req.method, path: req.path, headers: req.headers, body: req.body };
}

/** A paid-or-not record of every order the bench created. */
interface Order {
  id: string;
  buyer: number;
  amount: number;
  /** Pay phase: 'unsent', 'sent' (no answer seen), or the HTTP status seen. */
  pay: 'unsent' | 'sent' | number;
}

/** Bookkeeping of what the client saw, to cross-check the server's records. */
const seen = {
  newOrderSent: 0,
  newOrderAnswered: 0,
  newOrderOk: 0,
  newOrderStatuses: new Map<number, number>(),
  orders: [] as Order[],
  payFillers: 0,
};

/** new_order phase: request `seq` is buyer seq % N with lines orderLines(seq); answers fill the pool. */
function newOrderRequests(world: World): autocannon.Request[] {
  interface Ctx {
    buyer?: number;
    amount?: number;
  }
  return [
    {
      setupRequest: (request, context) => {
        const ctx = context as Ctx;
        const seq = seen.newOrderSent++;
        const index = seq % world.buyers.length;
        const buyer = world.buyers[index] as Buyer;
        const lines = orderLines(seq, world.books);
        ctx.buyer = index;
        ctx.amount = orderAmount(lines, world.prices);
        return cannonRequest(api.newOrder(buyer.user_id, buyer.token, world.store, lines), request);
      },
      onResponse: (status, body, context) => {
        const ctx = context as Ctx;
        seen.newOrderAnswered++;
        seen.newOrderStatuses.set(status, (seen.newOrderStatuses.get(status) ?? 0) + 1);
        if (status !== 200) return;
        const id = api.stringField(api.parseReply(body), 'order_id');
        if (!id || ctx.buyer === undefined || ctx.amount === undefined) return;
        seen.newOrderOk++;
        seen.orders.push({ id, buyer: ctx.buyer, amount: ctx.amount, pay: 'unsent' });
      },
    },
  ];
}

/** pay phase: each request pays the next unpaid order of the pool, once. */
function payRequests(
  world: World,
  stop: () => void,
): { requests: autocannon.Request[]; okCount: () => number } {
  interface Ctx {
    order?: Order;
  }
  let ok = 0;
  let next = seen.orders.findIndex((o) => o.pay === 'unsent');
  if (next < 0) next = seen.orders.length;
  return {
    okCount: () => ok,
    requests: [
      {
        setupRequest: (request, context) => {
          const ctx = context as Ctx;
          const order = seen.orders[next];
          if (!order) {
            // Pool exhausted: end the phase, and send a request that must answer 527 meanwhile (so it
            // shows as non-2xx rather than as throughput).
            seen.payFillers++;
            stop();
            const first = seen.orders[0] as Order;
            const buyer = world.buyers[first.buyer] as Buyer;
            ctx.order = undefined;
            return cannonRequest(api.pay(buyer.user_id, buyer.password, first.id), request);
          }
          next++;
          order.pay = 'sent';
          ctx.order = order;
          const buyer = world.buyers[order.buyer] as Buyer;
          return cannonRequest(api.pay(buyer.user_id, buyer.password, order.id), request);
        },
        onResponse: (status, _body, context) => {
          const order = (context as Ctx).order;
          if (!order) return;
          order.pay = status;
          if (status === 200) ok++;
        },
      },
    ],
  };
}

const unpaidLeft = () => seen.orders.filter((o) => o.pay === 'unsent').length;

// ---------------------------------------------------------------------------------------------------
// Report

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '-';

const rate = (r: autocannon.Result) => (r.duration > 0 ? r.requests.total / r.duration : 0);

function statusLine(r: autocannon.Result): string {
  const stats = Object.entries(r.statusCodeStats ?? {})
    .map(([code, s]) => `${code}x${s.count ?? 0}`)
    .join(' ');
  return stats || 'none';
}

function table(phases: PhaseResult[]): string {
  const head = ['phase', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'non-2xx', 'errors', 'timeouts', 'secs'];
  head.push('cpu% server', 'redis', 'bench');
  const rows = phases.map(({ name, result: r, cpu }) => [
    name,
    fmt(rate(r)),
    fmt(r.latency.p50, 1),
    fmt(r.latency.p99, 1),
    fmt(r.requests.total),
    fmt(r.non2xx),
    fmt(r.errors),
    fmt(r.timeouts),
    fmt(r.duration, 1),
    fmt(cpu?.server ?? Number.NaN),
    fmt(cpu?.redis ?? Number.NaN),
    fmt(cpu?.bench ?? Number.NaN),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Problems of one phase: any non-2xx, socket error or timeout. */
function phaseProblems(p: PhaseResult): string[] {
  const r = p.result;
  const problems: string[] = [];
  if (r.non2xx > 0) problems.push(`${p.name}: ${r.non2xx} non-2xx answers (by status: ${statusLine(r)})`);
  if (r.errors > 0) problems.push(`${p.name}: ${r.errors} socket errors, of which ${r.timeouts} timeouts`);
  return problems;
}

const log = (line = '') => process.stdout.write(`${line}\n`);

// ---------------------------------------------------------------------------------------------------
// Verification over HTTP

async function verify(base: string, world: World): Promise<string[]> {
  const problems: string[] = [];
  const current: Record<string, number> = {};
  for (const book of world.books) {
    const reply = await must(base, api.getStockLevel(world.store, book.id));
    current[book.id] = api.numberField(reply, 'stock_level') ?? Number.NaN;
  }
  const perBuyer = await mapLimit(world.buyers, SETUP_CONCURRENCY, async (buyer) => {
    const orders: OrderRecord[] = [];
    for (let page = 1; ; page++) {
      const reply = await must(base, api.buyerOrders(buyer.user_id, buyer.password, page));
      const batch = asOrders(reply.orders);
      orders.push(...batch);
      if (batch.length === 0 || orders.length >= (api.numberField(reply, 'total') ?? 0)) break;
    }
    const balance = api.numberField(
      await must(base, api.queryBalance(buyer.user_id, buyer.password)),
      'balance',
    );
    return { orders, balance: balance ?? Number.NaN };
  });
  const orders = perBuyer.flatMap((b) => b.orders);
  const balances = perBuyer.reduce((sum, b) => sum + b.balance, 0);
  const tally = tallyOrders(orders, world.prices);
  const initial: Record<string, number> = {};
  for (const book of world.books) initial[book.id] = STOCK_PER_BOOK;
  const rows = stockRows(initial, current, tally.soldByBook);
  const funded = FUNDS_PER_BUYER * world.buyers.length;
  const drift = balanceDrift(funded, balances, tally.paidAmount);

  const storeList = await must(
    base,
    api.storeOrders(world.seller.user_id, world.seller.password, world.store, 1, 1),
  );
  const storeTotal = api.numberField(storeList, 'total');

  log();
  log('verification (over HTTP, after the load):');
  log(
    `  orders on record: ${fmt(tally.orders)} (${Object.entries(tally.byStatus)
      .map(([s, n]) => `${s} ${fmt(n)}`)
      .join(', ')}); the store lists ${fmt(storeTotal ?? Number.NaN)}`,
  );
  for (const row of rows) {
    const verdict = row.drift === 0 ? 'OK' : `DRIFT ${row.drift}`;
    log(
      `  stock ${row.book}: ${fmt(row.current)} + sold ${fmt(row.sold)} = ${fmt(row.current + row.sold)} vs initial ${fmt(row.initial)}  ${verdict}`,
    );
    if (row.drift !== 0) problems.push(`stock of ${row.book}: stock + sold - initial = ${row.drift}`);
  }
  log(
    `  balances: funded ${fmt(funded)} - now ${fmt(balances)} = ${fmt(funded - balances)} vs paid ${fmt(tally.paidAmount)} (${fmt(tally.paidCount)} orders)  ${drift === 0 ? 'OK' : `DRIFT ${fmt(drift)}`}`,
  );
  if (drift !== 0) problems.push(`buyers' balances: (funded - now) - paid = ${drift} cents`);
  if (tally.badAmounts.length)
    problems.push(`${tally.badAmounts.length} orders with wrong amounts, e.g. ${tally.badAmounts[0]}`);
  if (storeTotal !== tally.orders)
    problems.push(`store lists ${storeTotal} orders, the buyers ${tally.orders}`);

  // Cross-check with what the client saw: every 200 must be on record; any extra order must be
  // explained by a request whose answer the client never read (in flight when a phase stopped).
  const byId = new Map(orders.map((o) => [o.order_id, o]));
  const missing = seen.orders.filter((o) => !byId.has(o.id)).length;
  const unanswered = seen.newOrderSent - seen.newOrderAnswered;
  const extra = tally.orders - (seen.orders.length - missing);
  log(
    `  client saw ${fmt(seen.newOrderOk)} new_order 200s (${fmt(unanswered)} unanswered when a phase stopped); server has ${fmt(extra)} orders the client did not see, ${fmt(missing)} seen-but-missing`,
  );
  if (missing) problems.push(`${missing} orders answered 200 are not on record`);
  if (extra < 0 || extra > unanswered)
    problems.push(`${extra} orders on record not explained by ${unanswered} unanswered requests`);

  let paidSeen = 0;
  let paidUnanswered = 0;
  let wrongState = 0;
  for (const o of seen.orders) {
    const status = byId.get(o.id)?.status ?? 'absent';
    const paid = status === 'paid' || status === 'shipped' || status === 'received';
    if (o.pay === 200) {
      paidSeen++;
      if (!paid) wrongState++;
    } else if (o.pay === 'sent') {
      if (paid) paidUnanswered++;
    } else if (paid) wrongState++;
  }
  log(
    `  client saw ${fmt(paidSeen)} pay 200s; ${fmt(paidUnanswered)} more orders were paid by requests unanswered when the phase stopped; ${fmt(wrongState)} in a state the answers contradict`,
  );
  if (wrongState) problems.push(`${wrongState} orders whose status contradicts the pay answers`);
  log(`  consistency: ${problems.length === 0 ? 'OK' : 'FAILED'}`);
  return problems;
}

// ---------------------------------------------------------------------------------------------------
// Main

async function main(): Promise<number> {
  const tag = runTag(Date.now(), Math.random());
  const dir = mkdtempSync(join(tmpdir(), 'bench-orders-'));
  let redis: RedisChild | undefined;
  let server: ServerProcess | undefined;
  const cleanup = async () => {
    await server?.stop().catch(() => {});
    server = undefined;
    await redis?.stop().catch(() => {});
    redis = undefined;
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log(`\n${signal}: stopping the server and Redis`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    let redisUrl = process.env.REDIS_URL;
    if (!redisUrl) {
      redis = await startRedis(dir);
      redisUrl = redis.url;
    }
    const passwordCache = process.env.PASSWORD_CACHE_SECONDS ?? '3600';
    server = await startServer('node', {
      REDIS_URL: redisUrl,
      KEY_PREFIX: tag,
      PASSWORD_CACHE_SECONDS: passwordCache,
    });
    const base = server.baseUrl;
    cpuPids.server = server.child.pid;
    cpuPids.redis = redis?.pid;
    log(
      `bench:orders  server ${base} (node, pid ${server.child.pid})  redis ${process.env.REDIS_URL ? 'REDIS_URL' : 'own redis-server'}  prefix ${tag}`,
    );
    log(
      `  ${SECONDS} s per phase, ${CONNECTIONS} connections, ${BUYERS} buyers, ${BOOKS} books x ${fmt(STOCK_PER_BOOK)} stock, PASSWORD_CACHE_SECONDS=${passwordCache}`,
    );

    const t0 = Date.now();
    const world = await buildWorld(base, tag);
    log(`  world built in ${fmt((Date.now() - t0) / 1000, 1)} s`);

    const common = { url: base, connections: CONNECTIONS, timeout: 10 } satisfies Partial<autocannon.Options>;

    // Self-check of the reporting: a short run that must count every answer as non-2xx.
    const probeBuyer = world.buyers[0] as Buyer;
    const probe = await runCannon(
      {
        ...common,
        connections: 2,
        amount: 20,
        requests: [
          cannonRequest(
            api.newOrder(probeBuyer.user_id, 'not-a-token', world.store, orderLines(0, world.books)),
            {},
          ),
        ],
      },
      30,
    );
    if (probe.non2xx !== 20)
      throw new Error(`reporting self-check: 20 requests with a bad token counted ${probe.non2xx} non-2xx`);
    log(
      `  reporting self-check: 20 requests with a bad token -> non-2xx ${probe.non2xx} (${statusLine(probe)}) OK`,
    );

    const phases: PhaseResult[] = [];
    const warmups: PhaseResult[] = [];

    // (1) baseline
    const health = { ...common, requests: [cannonRequest(api.healthz(), {})] };
    warmups.push({
      name: 'healthz warm-up',
      result: await runCannon({ ...health, duration: WARMUP_SECONDS }),
    });
    phases.push(await measured('healthz', () => runCannon({ ...health, duration: SECONDS })));

    // (2) new_order
    warmups.push({
      name: 'new_order warm-up',
      result: await runCannon({ ...common, duration: WARMUP_SECONDS, requests: newOrderRequests(world) }),
    });
    phases.push(
      await measured('new_order', () =>
        runCannon({ ...common, duration: SECONDS, requests: newOrderRequests(world) }),
      ),
    );

    // (3) pay: a warm-up sizes the pool, new orders top it up (bounded in count and time), then the
    // measured run pays each order once.
    /** A pay run: for `seconds`, or (warm-up) `amount` requests cut off after `seconds`. */
    const payPhase = async (seconds: number, amount?: number) => {
      let instance: { stop(): void } | undefined;
      let stopRequested = false;
      let timer: NodeJS.Timeout | undefined;
      const pay = payRequests(world, () => {
        stopRequested = true;
        instance?.stop();
      });
      const limit = amount === undefined ? { duration: seconds } : { amount };
      const result = await new Promise<autocannon.Result>((resolve, reject) => {
        instance = autocannon({ ...common, ...limit, requests: pay.requests }, (error, r) => {
          if (timer) clearTimeout(timer);
          if (error) reject(error);
          else resolve(r);
        });
        if (stopRequested) instance.stop();
        else if (amount !== undefined) timer = setTimeout(() => instance?.stop(), seconds * 1000);
      });
      return { result, ok: pay.okCount(), exhausted: stopRequested };
    };
    /** Creates `count` more unpaid orders with autocannon (bounded in count, and in time). */
    const topUp = async (count: number) => {
      const t1 = Date.now();
      warmups.push({
        name: 'pool top-up (new_order)',
        result: await runCannon(
          { ...common, amount: Math.max(count, CONNECTIONS), requests: newOrderRequests(world) },
          Math.max(60, 10 * SECONDS),
        ),
      });
      return (Date.now() - t1) / 1000;
    };
    if (unpaidLeft() < 2 * CONNECTIONS) await topUp(2 * CONNECTIONS - unpaidLeft());
    // The warm-up pays at most the orders there are, for at most PAY_WARMUP_SECONDS.
    const warm = await payPhase(PAY_WARMUP_SECONDS, unpaidLeft());
    warmups.push({ name: 'pay warm-up', result: warm.result });
    const payRate = warm.ok / Math.max(warm.result.duration, 0.1);
    const healthRate = rate((phases[0] as PhaseResult).result);
    const wanted = Math.ceil(Math.min(payRate * PAY_POOL_MARGIN, healthRate) * SECONDS) + 4 * CONNECTIONS;
    const missing = Math.max(0, wanted - unpaidLeft());
    const took = missing > 0 ? await topUp(missing) : 0;
    log(
      `  pay pool: ${fmt(unpaidLeft())} unpaid orders for the pay phase (warm-up paid ${fmt(payRate)}/s; topped up ${fmt(missing)} in ${fmt(took, 1)} s)`,
    );
    let exhausted = false;
    phases.push(
      await measured('pay', async () => {
        const run = await payPhase(SECONDS);
        exhausted = run.exhausted;
        return run.result;
      }),
    );

    // (4) the baseline again: how much the machine's load moved during the run
    phases.push(await measured('healthz (end)', () => runCannon({ ...health, duration: SECONDS })));

    // Report
    log();
    log(table(phases));
    const [h1 = 0, n = 0, p = 0, h2 = 0] = phases.map((ph) => rate(ph.result));
    const baseline = (h1 + h2) / 2 || 1;
    log();
    log(
      `ratio new_order/healthz = ${fmt(n / baseline, 3)}   pay/healthz = ${fmt(p / baseline, 3)}   (req/s against the mean of both healthz runs)`,
    );
    log(
      `baseline moved ${fmt((100 * (h2 - h1)) / baseline, 0)}% between start and end: the ratios are no more precise than that`,
    );
    const problems = [...phases, ...warmups].flatMap(phaseProblems);
    if (exhausted)
      problems.push(
        `pay: the order pool ran out before ${SECONDS} s (${seen.payFillers} filler requests answered 527)`,
      );
    if (problems.length) {
      log();
      log('ERRORS during the load:');
      for (const line of problems) log(`  - ${line}`);
    } else log('no non-2xx answers, socket errors or timeouts in any phase (warm-ups included)');

    problems.push(...(await verify(base, world)));
    if (server.child.exitCode !== null) problems.push(`the server exited with ${server.child.exitCode}`);
    const serverOutput = server.output().trim();
    if (serverOutput) {
      log();
      log(`server output (LOG_LEVEL=warn), last lines:\n${serverOutput.split('\n').slice(-20).join('\n')}`);
    }
    log();
    log(
      problems.length
        ? `RESULT: FAILED (${problems.length} problem${problems.length > 1 ? 's' : ''})`
        : 'RESULT: OK',
    );
    return problems.length ? 1 : 0;
  } catch (error) {
    log(`bench:orders failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (server) log(`server output:\n${server.output().split('\n').slice(-40).join('\n')}`);
    return 2;
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

process.exitCode = await main();
