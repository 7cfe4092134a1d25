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
 * The parts live in ./lib (children, world, autocannon runs, pay phase, verification).
 *
 * Environment: BENCH_SECONDS (10), BENCH_CONNECTIONS (50), BENCH_BUYERS (200), BENCH_BOOKS (4),
 * REDIS_URL (use that Redis, under a fresh key prefix), PASSWORD_CACHE_SECONDS (passed to the server;
 * default here 3600, see loadtest/README.md).
 */

import {
  cannonRequest,
  measured,
  type PhaseResult,
  phaseProblems,
  rate,
  runCannon,
  statusLine,
  table,
} from './lib/cannon.ts';
import { fmt, intEnv, log } from './lib/common.ts';
import { newOrderRequests, newSeen } from './lib/order-load.ts';
import { type LoadContext, payPhase } from './lib/pay-phase.ts';
import { runWithStack, type Stack } from './lib/stack.ts';
import { verify } from './lib/verify.ts';
import { type Buyer, buildWorld, type World } from './lib/world.ts';
import * as api from './scenarios/api.ts';
import { orderLines, runTag } from './scenarios/catalog.ts';

const SECONDS = intEnv('BENCH_SECONDS', 10, 1);
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 50, 1);
const BUYERS = intEnv('BENCH_BUYERS', 200, 1);
const BOOKS = intEnv('BENCH_BOOKS', 4, 1);
const STOCK_PER_BOOK = 100_000_000;
const FUNDS_PER_BUYER = 1_000_000_000;
const WARMUP_SECONDS = 1;
const SETUP_CONCURRENCY = 8;

type Common = LoadContext['common'];

/** Self-check of the reporting: a short run that must count every answer as non-2xx. */
async function reportingSelfCheck(common: Common, world: World): Promise<void> {
  const probeBuyer = world.buyers[0] as Buyer;
  const bad = api.newOrder(probeBuyer.user_id, 'not-a-token', world.store, orderLines(0, world.books));
  const probe = await runCannon(
    { ...common, connections: 2, amount: 20, requests: [cannonRequest(bad, {})] },
    30,
  );
  if (probe.non2xx !== 20)
    throw new Error(`reporting self-check: 20 requests with a bad token counted ${probe.non2xx} non-2xx`);
  log(
    `  reporting self-check: 20 requests with a bad token -> non-2xx ${probe.non2xx} (${statusLine(probe)}) OK`,
  );
}

/** Phases (1) to (4), each after an unmeasured warm-up; `exhausted` when the pay pool ran out. */
async function runPhases(ctx: LoadContext) {
  const { common, pids, warmups } = ctx;
  const phases: PhaseResult[] = [];
  const health = { ...common, requests: [cannonRequest(api.healthz(), {})] };
  warmups.push({ name: 'healthz warm-up', result: await runCannon({ ...health, duration: WARMUP_SECONDS }) });
  phases.push(await measured('healthz', pids, () => runCannon({ ...health, duration: SECONDS })));

  const orders = () => newOrderRequests(ctx.world, ctx.seen);
  warmups.push({
    name: 'new_order warm-up',
    result: await runCannon({ ...common, duration: WARMUP_SECONDS, requests: orders() }),
  });
  phases.push(
    await measured('new_order', pids, () => runCannon({ ...common, duration: SECONDS, requests: orders() })),
  );

  const pay = await payPhase(ctx, rate((phases[0] as PhaseResult).result));
  phases.push(pay.phase);

  // the baseline again: how much the machine's load moved during the run
  phases.push(await measured('healthz (end)', pids, () => runCannon({ ...health, duration: SECONDS })));
  return { phases, exhausted: pay.exhausted };
}

/** Prints the table, the ratios and the load's problems; returns the problems. */
function report(phases: PhaseResult[], warmups: PhaseResult[], exhausted: boolean, fillers: number) {
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
      `pay: the order pool ran out before ${SECONDS} s (${fillers} filler requests answered 527)`,
    );
  if (problems.length) {
    log();
    log('ERRORS during the load:');
    for (const line of problems) log(`  - ${line}`);
  } else log('no non-2xx answers, socket errors or timeouts in any phase (warm-ups included)');
  return problems;
}

/** Verification, the server's own output, the verdict; returns the exit code. */
async function finish(stack: Stack, ctx: LoadContext, problems: string[]): Promise<number> {
  const spec = {
    stockPerBook: STOCK_PER_BOOK,
    fundsPerBuyer: FUNDS_PER_BUYER,
    concurrency: SETUP_CONCURRENCY,
  };
  problems.push(...(await verify(stack.base, ctx.world, ctx.seen, spec)));
  const server = stack.server;
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
}

async function bench(stack: Stack, tag: string, passwordCache: string): Promise<number> {
  const { base, server } = stack;
  log(
    `bench:orders  server ${base} (node, pid ${server.child.pid})  redis ${process.env.REDIS_URL ? 'REDIS_URL' : 'own redis-server'}  prefix ${tag}`,
  );
  log(
    `  ${SECONDS} s per phase, ${CONNECTIONS} connections, ${BUYERS} buyers, ${BOOKS} books x ${fmt(STOCK_PER_BOOK)} stock, PASSWORD_CACHE_SECONDS=${passwordCache}`,
  );
  const t0 = Date.now();
  const world = await buildWorld(base, tag, {
    buyers: BUYERS,
    books: BOOKS,
    stockPerBook: STOCK_PER_BOOK,
    fundsPerBuyer: FUNDS_PER_BUYER,
    concurrency: SETUP_CONCURRENCY,
  });
  log(`  world built in ${fmt((Date.now() - t0) / 1000, 1)} s`);
  const common = { url: base, connections: CONNECTIONS, timeout: 10 };
  await reportingSelfCheck(common, world);
  const ctx: LoadContext = {
    common,
    seconds: SECONDS,
    world,
    seen: newSeen(),
    warmups: [],
    pids: stack.pids,
  };
  const { phases, exhausted } = await runPhases(ctx);
  const problems = report(phases, ctx.warmups, exhausted, ctx.seen.payFillers);
  return finish(stack, ctx, problems);
}

async function main(): Promise<number> {
  const tag = runTag(Date.now(), Math.random());
  const passwordCache = process.env.PASSWORD_CACHE_SECONDS ?? '3600';
  return runWithStack(
    {
      label: 'bench:orders',
      dirPrefix: 'bench-orders-',
      env: { KEY_PREFIX: tag, PASSWORD_CACHE_SECONDS: passwordCache },
      redisUrl: process.env.REDIS_URL,
    },
    (stack) => bench(stack, tag, passwordCache),
  );
}

process.exitCode = await main();
