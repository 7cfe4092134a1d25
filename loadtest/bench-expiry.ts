/**
 * Expiry benchmark: `npx tsx loadtest/bench-expiry.ts`.
 *
 * How long after its payment deadline an unpaid order is cancelled and its stock returned. Starts a
 * throwaway redis-server and the real server on Node on a free loopback port with a short
 * ORDER_TIMEOUT_SECONDS and the in-process worker, places BENCH_ORDERS unpaid orders from many buyers
 * over a few seconds, waits (bounded) until every one is cancelled, and prints:
 *  - per order, cancelled_at - expires_at (the server's own timestamps, read with
 *    /buyer/query_order_status): min / p50 / p90 / p99 / max, and how many say cancel_reason "expired";
 *  - from the outside: for a sample, the time from the deadline until a poll (every 50 ms from the
 *    deadline) first answers "cancelled". Client and server share the machine's clock;
 *  - that each book's stock level is back to the initial one.
 * Exit code 0 when every order was placed and cancelled, none before its deadline, every sampled
 * order could be polled and the stock came back; 1 otherwise; 2 when the bench could not run.
 *
 * Environment: BENCH_ORDERS (500), BENCH_TIMEOUT_SECONDS (2, the server's ORDER_TIMEOUT_SECONDS),
 * BENCH_BUYERS (100), BENCH_SPREAD_SECONDS (3, how long placing the orders takes),
 * PASSWORD_CACHE_SECONDS (passed to the server; default here 3600, so polls cost no argon2id).
 */

import { fmt, intEnv, log, sleep } from './lib/common.ts';
import {
  type OrderTimes,
  type Placed,
  placeOrders,
  stockUntilBack,
  sweepUntilCancelled,
  type Watched,
  watchOrder,
} from './lib/expiry-orders.ts';
import { runWithStack, type Stack } from './lib/stack.ts';
import { summarize, summaryLine } from './lib/stats.ts';
import { buildWorld, type World } from './lib/world.ts';
import { runTag } from './scenarios/catalog.ts';

const ORDERS = intEnv('BENCH_ORDERS', 500, 1);
const TIMEOUT_SECONDS = intEnv('BENCH_TIMEOUT_SECONDS', 2, 1);
const BUYERS = intEnv('BENCH_BUYERS', 100, 1);
const SPREAD_SECONDS = intEnv('BENCH_SPREAD_SECONDS', 3, 0);
const BOOKS = 4;
const STOCK_PER_BOOK = 100_000;
const SAMPLE = 50;
const POLL_MS = 50;
/** How long past the last deadline the bench waits for cancellations before it gives up. */
const GRACE_SECONDS = 30;
const SWEEP_EVERY_MS = 250;
const CONCURRENCY = 8;

/** Places the orders; every `step`-th one (up to SAMPLE) is watched from its deadline. */
async function placeAndWatch(base: string, world: World) {
  const step = Math.max(1, Math.floor(ORDERS / SAMPLE));
  const watches: Promise<Watched>[] = [];
  const t0 = Date.now();
  const placement = await placeOrders(base, world, ORDERS, SPREAD_SECONDS * 1000, (p: Placed) => {
    if (p.index % step === 0 && p.index / step < SAMPLE)
      watches.push(watchOrder(base, p, POLL_MS, GRACE_SECONDS * 1000));
  });
  const took = (Date.now() - t0) / 1000;
  const failed = [...placement.failures.values()].reduce((a, b) => a + b, 0);
  const answers = summarize(placement.latencies);
  log(
    `  placed ${fmt(placement.placed.length)} orders in ${fmt(took, 1)} s, ${fmt(failed)} failed; new_order ${summaryLine(answers, ['p50', 'p99'])} ms`,
  );
  const problems = [...placement.failures].map(([why, n]) => `${n} new_order requests failed: ${why}`);
  return { placed: placement.placed, watches, problems };
}

/** Server side: cancelled_at - expires_at per order, and the reasons. Logs them; returns problems. */
function reportServer(placed: readonly Placed[], latest: Map<string, OrderTimes>): string[] {
  const times = placed.map((p) => latest.get(p.id));
  const cancelled = times.filter((t): t is OrderTimes => t?.status === 'cancelled');
  const delays = cancelled.map((t) => (t.cancelledAt ?? Number.NaN) - t.expiresAt);
  const reasons = new Map<string, number>();
  for (const t of cancelled) reasons.set(String(t.reason), (reasons.get(String(t.reason)) ?? 0) + 1);
  const byStatus = new Map<string, number>();
  for (const t of times) byStatus.set(t?.status ?? 'unread', (byStatus.get(t?.status ?? 'unread') ?? 0) + 1);
  const s = summarize(delays);
  log();
  log(`server side: cancelled_at - expires_at over ${fmt(s.count)} cancelled orders, ms`);
  log(`  ${summaryLine(s)}`);
  log(`  statuses: ${[...byStatus].map(([k, n]) => `${k} ${fmt(n)}`).join(', ')}`);
  log(`  cancel_reason: ${[...reasons].map(([k, n]) => `${k} ${fmt(n)}`).join(', ') || 'none'}`);
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
  const seen = watched.flatMap((w) => (w.seenAfterMs === undefined ? [] : [w.seenAfterMs]));
  const s = summarize(seen);
  const polls = summarize(watched.flatMap((w) => w.latencies));
  log();
  log(
    `client side: deadline -> first poll answer showing "cancelled", ${fmt(s.count)} of ${fmt(watched.length)} sampled orders, ms`,
  );
  log(`  ${summaryLine(s, ['p50', 'p99', 'max'])}`);
  log(
    `  (polls every ${POLL_MS} ms from the deadline, so up to ${POLL_MS} ms of this is the poll grid; ${fmt(polls.count)} polls answered in ${summaryLine(polls, ['p50', 'p99'])} ms)`,
  );
  const errors = watched.flatMap((w) => (w.error ? [w.error] : []));
  return errors.length ? [`${errors.length} sampled orders could not be polled, e.g. ${errors[0]}`] : [];
}

/** Stock back to the initial level on every book. Logs it; returns problems. */
function reportStock(levels: Map<string, number>): string[] {
  log();
  log('stock after the cancellations:');
  const problems: string[] = [];
  for (const [book, level] of levels) {
    const ok = level === STOCK_PER_BOOK;
    log(
      `  ${book}: ${fmt(level)} vs initial ${fmt(STOCK_PER_BOOK)}  ${ok ? 'OK' : `DRIFT ${level - STOCK_PER_BOOK}`}`,
    );
    if (!ok) problems.push(`stock of ${book}: ${level} != initial ${STOCK_PER_BOOK}`);
  }
  return problems;
}

async function bench(stack: Stack, tag: string, passwordCache: string): Promise<number> {
  const { base, server } = stack;
  log(`bench:expiry  server ${base} (node, pid ${server.child.pid})  redis own redis-server  prefix ${tag}`);
  log(
    `  ${fmt(ORDERS)} orders from ${fmt(BUYERS)} buyers over ${SPREAD_SECONDS} s, ORDER_TIMEOUT_SECONDS=${TIMEOUT_SECONDS}, worker inline, PASSWORD_CACHE_SECONDS=${passwordCache}`,
  );
  const t0 = Date.now();
  const spec = {
    buyers: BUYERS,
    books: BOOKS,
    stockPerBook: STOCK_PER_BOOK,
    fundsPerBuyer: 0,
    concurrency: CONCURRENCY,
  };
  const world = await buildWorld(base, tag, spec);
  log(`  world built in ${fmt((Date.now() - t0) / 1000, 1)} s`);

  const { placed, watches, problems } = await placeAndWatch(base, world);
  const lastDeadline = Date.now() + TIMEOUT_SECONDS * 1000;
  await sleep(lastDeadline - Date.now());
  const giveUpAt = lastDeadline + GRACE_SECONDS * 1000;
  const latest = await sweepUntilCancelled(base, placed, giveUpAt, SWEEP_EVERY_MS, CONCURRENCY);
  log(`  sweep finished ${fmt((Date.now() - lastDeadline) / 1000, 1)} s after the last deadline`);
  const watched = await Promise.all(watches);
  const levels = await stockUntilBack(base, world, STOCK_PER_BOOK, giveUpAt);

  problems.push(...reportServer(placed, latest));
  problems.push(...reportClient(watched));
  problems.push(...reportStock(levels));
  return finish(stack, problems);
}

/** The server's own output, the problems and the verdict; returns the exit code. */
function finish(stack: Stack, problems: string[]): number {
  const server = stack.server;
  if (server.child.exitCode !== null) problems.push(`the server exited with ${server.child.exitCode}`);
  const output = server.output().trim();
  if (output)
    log(`\nserver output (LOG_LEVEL=warn), last lines:\n${output.split('\n').slice(-20).join('\n')}`);
  if (problems.length) {
    log('\nPROBLEMS:');
    for (const line of problems) log(`  - ${line}`);
  }
  log(
    `\nRESULT: ${problems.length ? `FAILED (${problems.length} problem${problems.length > 1 ? 's' : ''})` : 'OK'}`,
  );
  return problems.length ? 1 : 0;
}

async function main(): Promise<number> {
  const tag = runTag(Date.now(), Math.random());
  const passwordCache = process.env.PASSWORD_CACHE_SECONDS ?? '3600';
  const env = {
    KEY_PREFIX: tag,
    ORDER_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS),
    WORKERS: 'inline',
    PASSWORD_CACHE_SECONDS: passwordCache,
    // The bench's own Redis only: a cluster setting in the shell must not redirect the server.
    REDIS_CLUSTER_NODES: undefined,
  };
  return runWithStack({ label: 'bench:expiry', dirPrefix: 'bench-expiry-', env }, (stack) =>
    bench(stack, tag, passwordCache),
  );
}

process.exitCode = await main();
