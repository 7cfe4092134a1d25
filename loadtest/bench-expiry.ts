/**
 * Expiry benchmark: `npm run bench:expiry`. How long after its payment deadline an unpaid order is
 * cancelled and its stock returned, by the in-process worker, under a burst of expiring orders: places
 * BENCH_ORDERS unpaid orders from many buyers over a few seconds against a server with a short
 * ORDER_TIMEOUT_SECONDS, waits (bounded) until every one is cancelled, and prints the server-side
 * delays (cancelled_at - expires_at), the client-side ones (deadline to the first poll answer showing
 * "cancelled", for a sample) and the stock levels (loadtest/README.md explains every figure and setting).
 * Writes its report (lib/report/): the new_order phase, and the delays as tables.
 */
import { fmt, intEnv, log, runBench, sleep } from './lib/common.ts';
import {
  type OrderTimes,
  type Placed,
  placeOrders,
  stockUntilBack,
  sweepUntilCancelled,
  type Watched,
  watchOrder,
} from './lib/expiry-orders.ts';
import { phaseProblems, table } from './lib/phase.ts';
import { ReportDraft } from './lib/report/report.ts';
import { runWithStack, type Stack, storeOfRecord } from './lib/stack.ts';
import { type Summary, summarize, summaryLine } from './lib/stats.ts';
import { buildWorld } from './lib/world.ts';
import { runTag } from './scenarios/catalog.ts';
import type { World } from './scenarios/world.ts';

const ORDERS = intEnv('BENCH_ORDERS', 500, 1);
const TIMEOUT_SECONDS = intEnv('BENCH_TIMEOUT_SECONDS', 2, 1);
const SPREAD_SECONDS = intEnv('BENCH_SPREAD_SECONDS', 3, 0);
const SPEC = { buyers: intEnv('BENCH_BUYERS', 100, 1), books: 4, stockPerBook: 100_000, fundsPerBuyer: 0 };
const PASSWORD_CACHE = process.env.PASSWORD_CACHE_SECONDS ?? '3600';
const SAMPLE = 50;
const POLL_MS = 50;
/** How long past the last deadline the bench waits for cancellations before it gives up. */
const GRACE_SECONDS = 30;
const SWEEP_EVERY_MS = 250;

const report = new ReportDraft(
  'bench:expiry',
  'unpaid orders placed at an even pace (open loop), then how long after its deadline each one is cancelled',
  {
    BENCH_ORDERS: ORDERS,
    BENCH_TIMEOUT_SECONDS: TIMEOUT_SECONDS,
    BENCH_BUYERS: SPEC.buyers,
    BENCH_SPREAD_SECONDS: SPREAD_SECONDS,
    PASSWORD_CACHE_SECONDS: PASSWORD_CACHE,
  },
);

/** A row of the report's delay table. */
const delayRow = (what: string, s: Summary) => [what, s.count, s.min, s.p50, s.p90, s.p99, s.max];
const delayRows: (string | number)[][] = [];

const counts = (keys: readonly string[]) => {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m].map(([k, n]) => `${k} ${fmt(n)}`).join(', ') || 'none';
};

/** Places the orders; every `step`-th one (up to SAMPLE) is watched from its deadline. */
async function placeAndWatch(stack: Stack, world: World) {
  const step = Math.max(1, Math.floor(ORDERS / SAMPLE));
  const watches: Promise<Watched>[] = [];
  const onPlaced = (p: Placed) => {
    if (p.index % step === 0 && p.index / step < SAMPLE)
      watches.push(watchOrder(stack.base, p, POLL_MS, GRACE_SECONDS * 1000));
  };
  const { placed, phase } = await placeOrders(stack.base, world, ORDERS, SPREAD_SECONDS, {
    pids: stack.pids,
    onPlaced,
  });
  log(`\n${table([phase])}\n  (new_order latency from each order's due time)`);
  report.addPhases('', [phase]);
  const problems = phaseProblems(phase);
  if (placed.length < ORDERS) problems.push(`${ORDERS - placed.length} of ${ORDERS} orders were not placed`);
  return { placed, watches, problems };
}

/** Server side: cancelled_at - expires_at per order, and the reasons. Logs them; returns problems. */
function reportServer(placed: readonly Placed[], latest: Map<string, OrderTimes>): string[] {
  const times = placed.map((p) => latest.get(p.id));
  const cancelled = times.filter((t): t is OrderTimes => t?.status === 'cancelled');
  const delays = cancelled.map((t) => (t.cancelledAt ?? Number.NaN) - t.expiresAt);
  log(`\nserver side: cancelled_at - expires_at over ${fmt(cancelled.length)} cancelled orders, ms`);
  log(`  ${summaryLine(summarize(delays))}`);
  delayRows.push(delayRow('server side: cancelled_at - expires_at', summarize(delays)));
  log(`  statuses: ${counts(times.map((t) => t?.status ?? 'unread'))}`);
  log(`  cancel_reason: ${counts(cancelled.map((t) => String(t.reason)))}`);
  const problems: string[] = [];
  if (cancelled.length < placed.length)
    problems.push(
      `${placed.length - cancelled.length} orders not cancelled ${GRACE_SECONDS} s after the last deadline`,
    );
  const early = delays.filter((d) => !(d >= 0)).length;
  if (early) problems.push(`${early} orders cancelled before their deadline (or without cancelled_at)`);
  return problems;
}

/** Client side: deadline to the first poll answer showing the order cancelled. Returns problems. */
function reportClient(watched: readonly Watched[]): string[] {
  const seen = summarize(watched.flatMap((w) => (w.seenAfterMs === undefined ? [] : [w.seenAfterMs])));
  const polls = summarize(watched.flatMap((w) => w.latencies));
  log(
    `\nclient side: deadline -> first poll answer showing "cancelled", ${fmt(seen.count)} of ${fmt(watched.length)} sampled orders, ms`,
  );
  log(`  ${summaryLine(seen, ['p50', 'p99', 'max'])}`);
  delayRows.push(delayRow('client side: deadline -> first poll answer showing "cancelled"', seen));
  delayRows.push(delayRow('client side: a poll (query_order_status) answered in', polls));
  log(
    `  (polls every ${POLL_MS} ms from the deadline, so up to ${POLL_MS} ms of this is the poll grid; ${fmt(polls.count)} polls answered in ${summaryLine(polls, ['p50', 'p99'])} ms)`,
  );
  const errors = watched.flatMap((w) => (w.error ? [w.error] : []));
  return errors.length ? [`${errors.length} sampled orders could not be polled, e.g. ${errors[0]}`] : [];
}

/** Stock back to the initial level on every book. Logs it; returns problems. */
function reportStock(levels: Record<string, number>): string[] {
  const initial = SPEC.stockPerBook;
  log('\nstock after the cancellations:');
  for (const [book, level] of Object.entries(levels))
    log(
      `  ${book}: ${fmt(level)} vs initial ${fmt(initial)}  ${level === initial ? 'OK' : `DRIFT ${level - initial}`}`,
    );
  return Object.entries(levels).flatMap(([book, level]) =>
    level === initial ? [] : [`stock of ${book}: ${level} != initial ${initial}`],
  );
}

async function bench(stack: Stack, tag: string): Promise<string[]> {
  log(
    `bench:expiry  server ${stack.base} (node, pid ${stack.server.child.pid})  redis own redis-server  prefix ${tag}`,
  );
  log(
    `  ${fmt(ORDERS)} orders from ${fmt(SPEC.buyers)} buyers over ${SPREAD_SECONDS} s, ORDER_TIMEOUT_SECONDS=${TIMEOUT_SECONDS}, worker inline, PASSWORD_CACHE_SECONDS=${PASSWORD_CACHE}`,
  );
  const world = await buildWorld(stack.base, tag, SPEC);
  const { placed, watches, problems } = await placeAndWatch(stack, world);
  const lastDeadline = Date.now() + TIMEOUT_SECONDS * 1000;
  await sleep(lastDeadline - Date.now());
  const giveUpAt = lastDeadline + GRACE_SECONDS * 1000;
  const latest = await sweepUntilCancelled(stack.base, placed, giveUpAt, SWEEP_EVERY_MS);
  log(`  sweep finished ${fmt((Date.now() - lastDeadline) / 1000, 1)} s after the last deadline`);
  const watched = await Promise.all(watches);
  const levels = await stockUntilBack(stack.base, world, giveUpAt);
  problems.push(...reportServer(placed, latest), ...reportClient(watched), ...reportStock(levels));
  report.addTable({
    title: 'Cancellation after the deadline, ms',
    head: ['what', 'count', 'min', 'p50', 'p90', 'p99', 'max'],
    rows: delayRows,
  });
  problems.push(...(await storeOfRecord(stack, tag)));
  return problems;
}

const tag = runTag(Date.now(), Math.random());
const env = {
  KEY_PREFIX: tag,
  ORDER_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS),
  WORKERS: 'inline',
  PASSWORD_CACHE_SECONDS: PASSWORD_CACHE,
  // The bench's own Redis only: a cluster setting in the shell must not redirect the server.
  REDIS_CLUSTER_NODES: undefined,
};
await runBench(
  'bench:expiry',
  () => runWithStack({ dirPrefix: 'bench-expiry-', env }, (stack) => bench(stack, tag)),
  report,
);
