/**
 * The classic phases of `npm run bench:orders` (BENCH_MODE=classic). Builds a world over HTTP (a seller, one store with
 * large stock, many funded buyers) against its own server and Redis, then drives it with autocannon
 * on 127.0.0.1, each phase bounded in time: GET /healthz (the baseline), POST /buyer/new_order (each
 * request another buyer and body), POST /buyer/pay_to_platform (each request pays another order,
 * once), GET /healthz again (how far the machine's load moved). Prints the phases, the ratios to the
 * baseline, and the checks after the load (loadtest/README.md explains every figure and setting);
 * writes its report (lib/report/).
 */

import * as api from '../scenarios/api.ts';
import { orderLines, runTag } from '../scenarios/catalog.ts';
import type { Account, World } from '../scenarios/world.ts';
import { cannonRequest, runCannon } from './cannon.ts';
import { fmt, intEnv, log, runBench } from './common.ts';
import { newOrderRequests, newSeen } from './order-load.ts';
import { type LoadContext, payPhase } from './pay-phase.ts';
import { logRatios, non2xx, type Phase, phaseProblems, rate, statusLine, table } from './phase.ts';
import { ReportDraft } from './report/report.ts';
import { runWithStack, type Stack, storeOfRecord } from './stack.ts';
import { verify } from './verify.ts';
import { buildWorld } from './world.ts';

const SECONDS = intEnv('BENCH_SECONDS', 10, 1);
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 50, 1);
const WARMUP_SECONDS = 1;
const SPEC = {
  buyers: intEnv('BENCH_BUYERS', 200, 1),
  books: intEnv('BENCH_BOOKS', 4, 1),
  stockPerBook: 100_000_000,
  fundsPerBuyer: 1_000_000_000,
};
const PASSWORD_CACHE = process.env.PASSWORD_CACHE_SECONDS ?? '3600';

type Common = LoadContext['common'];

/** Self-check of the reporting: a short run that must count every answer as non-2xx. */
async function reportingSelfCheck(common: Common, world: World): Promise<void> {
  const buyer = world.buyers[0] as Account;
  const bad = api.newOrder(buyer.user_id, 'not-a-token', world.store, orderLines(0, world.books));
  const options = { ...common, connections: 2, amount: 20, requests: [cannonRequest(bad)] };
  const probe = await runCannon('self-check', options, { limitSeconds: 30 });
  const counted = non2xx(probe);
  if (counted !== 20)
    throw new Error(`reporting self-check: 20 requests with a bad token counted ${counted} non-2xx`);
  log(`  reporting self-check: 20 requests with a bad token -> non-2xx ${counted} (${statusLine(probe)}) OK`);
}

/** The four phases, each after an unmeasured warm-up; `exhausted` when the pay pool ran out. */
async function runPhases(ctx: LoadContext) {
  const { common, pids, warmups } = ctx;
  const health = { ...common, requests: [cannonRequest(api.healthz())] };
  const orders = () => ({ ...common, requests: newOrderRequests(ctx.world, ctx.seen) });
  warmups.push(await runCannon('healthz warm-up', { ...health, duration: WARMUP_SECONDS }));
  const healthz = await runCannon('healthz', { ...health, duration: SECONDS }, { pids });
  warmups.push(await runCannon('new_order warm-up', { ...orders(), duration: WARMUP_SECONDS }));
  const newOrder = await runCannon('new_order', { ...orders(), duration: SECONDS }, { pids });
  const pay = await payPhase(ctx, healthz.answered / (healthz.seconds || 1));
  const end = await runCannon('healthz (end)', { ...health, duration: SECONDS }, { pids });
  return { phases: [healthz, newOrder, pay.phase, end], exhausted: pay.exhausted };
}

const draft = new ReportDraft(
  'bench:orders',
  'classic phases: GET /healthz, new_order alone, pay alone, GET /healthz again (closed loop)',
  {
    BENCH_MODE: 'classic',
    BENCH_SECONDS: SECONDS,
    BENCH_CONNECTIONS: CONNECTIONS,
    BENCH_BUYERS: SPEC.buyers,
    BENCH_BOOKS: SPEC.books,
    PASSWORD_CACHE_SECONDS: PASSWORD_CACHE,
  },
);

function report(phases: Phase[], ctx: LoadContext, exhausted: boolean): string[] {
  log(`\n${table(phases)}\n`);
  const [healthz, newOrder, pay, end] = phases as [Phase, Phase, Phase, Phase];
  logRatios([newOrder, pay], [healthz, end]);
  const baseline = (rate(healthz) + rate(end)) / 2;
  draft.addPhases('', phases).addTable({
    title: 'req/s ÷ healthz (the mean of both healthz phases)',
    head: ['phase', 'ratio'],
    rows: [
      ['new_order', rate(newOrder) / baseline],
      ['pay', rate(pay) / baseline],
      ['baseline moved between start and end, %', (100 * (rate(end) - rate(healthz))) / baseline],
    ],
    digits: [0, 3],
  });
  const problems = [...phases, ...ctx.warmups].flatMap((p) => phaseProblems(p));
  if (exhausted)
    problems.push(
      `pay: the order pool ran out before ${SECONDS} s (${ctx.seen.payFillers} filler requests answered 527)`,
    );
  return problems;
}

async function bench(stack: Stack, tag: string): Promise<string[]> {
  log(
    `bench:orders  server ${stack.base} (node, pid ${stack.server.child.pid})  redis ${process.env.REDIS_URL ? 'REDIS_URL' : 'own redis-server'}  prefix ${tag}`,
  );
  log(
    `  ${SECONDS} s per phase, ${CONNECTIONS} connections, ${SPEC.buyers} buyers, ${SPEC.books} books x ${fmt(SPEC.stockPerBook)} stock, PASSWORD_CACHE_SECONDS=${PASSWORD_CACHE}`,
  );
  const world = await buildWorld(stack.base, tag, SPEC);
  const common = { url: stack.base, connections: CONNECTIONS, timeout: 10 };
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
  const problems = report(phases, ctx, exhausted);
  problems.push(...(await verify(stack.base, world, ctx.seen)));
  problems.push(...(await storeOfRecord(stack, tag)));
  return problems;
}

/** Runs the classic bench and sets the exit code. */
export async function runClassic(): Promise<void> {
  const tag = runTag(Date.now(), Math.random());
  const env = { KEY_PREFIX: tag, PASSWORD_CACHE_SECONDS: PASSWORD_CACHE };
  await runBench(
    'bench:orders',
    () =>
      runWithStack({ dirPrefix: 'bench-orders-', env, redisUrl: process.env.REDIS_URL }, (stack) =>
        bench(stack, tag),
      ),
    draft,
  );
}
