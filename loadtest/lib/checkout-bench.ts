/**
 * `npm run bench:orders`, the checkout workload: for every runtime (BENCH_RUNTIME), a server of each
 * process count (BENCH_PROCS) and revision (BENCH_BASE, then this checkout), each with its own
 * redis-server and world, all up at once; a warm-up each, then closed-loop rounds in A B B A order
 * over all of them (so a machine that speeds up or slows down during the run weighs on all alike:
 * on a shared machine that is what makes 1 against 2 processes comparable, not only base against
 * current), an open loop at half each one's peak, the checks over HTTP; in the last runtime the
 * memory phase of the last process count's servers, sized to what is left of the time budget; the
 * store of record; then the results and the summary over all runtimes, and the report (JSON and HTML
 * with charts: lib/checkout-figures.ts).
 */

import { reportRuns } from './checkout-figures.ts';
import { logMemory, logRatios, logRedisWork, logRounds, runPhases, summary } from './checkout-report.ts';
import { closedRun, openLoop, openRun, peak, type Run } from './checkout-runs.ts';
import { type CheckoutSettings, checkoutSettings, reportSettings } from './checkout-settings.ts';
import { verifyCheckout } from './checkout-verify.ts';
import { fmt, log, runBench } from './common.ts';
import { memoryPhase } from './memory-phase.ts';
import { phaseProblems, table } from './phase.ts';
import { ReportDraft } from './report/report.ts';
import { baseRevision, currentRevision, type Revision } from './revisions.ts';
import type { Runtime } from './server.ts';
import { storeOfRecord } from './stack.ts';

/** Seconds kept for what follows the memory phase: checkInvariants, stopping, the report. */
const RESERVE_SECONDS = 8;
/** checkInvariants' cost per order in Redis (measured: 60 to 90 µs on the shared 2 cores), with a margin. */
const CHECK_SECONDS_PER_ORDER = 120e-6;
/** The memory phase's smallest size when the budget is spent. */
const MIN_MEMORY_ORDERS = 2000;

/** The memory phase's size: BENCH_MEMORY_ORDERS, cut to what the time budget leaves unless it was given. */
function memorySize(runs: readonly Run[], s: CheckoutSettings, deadline: number): number {
  if (s.memoryGiven || !Number.isFinite(deadline)) return s.memoryOrders;
  const rate = Math.min(...runs.map(peak));
  const left = (deadline - Date.now()) / 1000 - RESERVE_SECONDS;
  // Each run's phase, then checkInvariants over its orders (the current revision's).
  const perOrder = runs.length / rate + CHECK_SECONDS_PER_ORDER;
  const fit = Math.floor(left / perOrder / 100) * 100;
  if (fit >= s.memoryOrders) return s.memoryOrders;
  const orders = Math.max(MIN_MEMORY_ORDERS, fit);
  log(
    `  memory phase: ${fmt(s.memoryOrders)} orders per server do not fit in what is left of the ${s.budgetSeconds} s budget at ${fmt(rate)} pairs/s: ${fmt(orders)} (set BENCH_MEMORY_ORDERS to insist)`,
  );
  return orders;
}

async function memoryRuns(runs: readonly Run[], s: CheckoutSettings, deadline: number) {
  const orders = memorySize(runs, s, deadline);
  for (const r of runs) {
    const limitSeconds = Math.max(30, (3 * orders) / peak(r));
    const o = { stack: r.stack, world: r.world, seq: r.seq, orders, connections: s.memoryConnections };
    r.memory = await memoryPhase(`${r.label} memory`, { ...o, limitSeconds, pids: r.stack.pids });
    log(`  ${r.label}: memory phase done (${fmt(r.memory.paid)} orders paid)`);
  }
}

/** A closed-loop round: its run and its index among the run's rounds. */
type RoundRef = { run: Run; round: number };

/** Whether this is the last runtime (the memory phase's), the time budget's end, the rounds so far. */
type GroupOptions = { last: boolean; deadline: number; order: RoundRef[] };

async function measure(runs: Run[], s: CheckoutSettings, o: GroupOptions) {
  const { deadline, order } = o;
  const problems: string[] = [];
  for (const r of runs) if (s.warmupSeconds > 0) await closedRun(r, s, s.warmupSeconds, false);
  const first = order.length;
  for (let k = 0; k < s.rounds; k++)
    for (const r of k % 2 === 0 ? runs : [...runs].reverse()) {
      await closedRun(r, s, s.seconds / s.rounds, true);
      order.push({ run: r, round: r.rounds.length - 1 });
    }
  for (const r of runs) await openLoop(r, s);
  log('\nverification (over HTTP, after the closed and open loops):');
  for (const r of runs) problems.push(...(await verifyCheckout(r.label, r.stack.base, r.world, r.logs)));
  const memoryRunsOf = runs.filter((r) => r.procs === s.procs.at(-1));
  if (o.last && s.memoryOrders > 0) await memoryRuns(memoryRunsOf, s, deadline);
  for (const r of runs.filter((x) => x.revision.role === 'current'))
    problems.push(...(await storeOfRecord(r.stack, r.keyPrefix)).map((p) => `${r.label}: ${p}`));
  const rows = runs.flatMap(runPhases);
  log(`\n${table(rows)}\n`);
  problems.push(...rows.flatMap((p) => phaseProblems(p)));
  logRounds(order.slice(first));
  log('\nRedis work per pair (closed loop; INFO cpu and commandstats of its own redis-server):');
  for (const r of runs) logRedisWork(r);
  if (runs.some((r) => r.memory)) log('\nmemory per paid order (INFO memory used_memory, DBSIZE):');
  for (const r of runs) logMemory(r);
  return problems;
}

/** One runtime: a server per process count and revision, measured side by side. */
async function group(runtime: Runtime, revisions: Revision[], s: CheckoutSettings, o: GroupOptions) {
  log(`\n== ${runtime}, WEB_CONCURRENCY=${s.procs.join(',')}: ${revisions.map((r) => r.label).join(' vs ')}`);
  const runs: Run[] = [];
  const problems: string[] = [];
  try {
    for (const procs of s.procs)
      for (const revision of revisions) runs.push(await openRun(revision, runtime, procs, s, runs.length));
    problems.push(...(await measure(runs, s, o)));
  } finally {
    for (const r of runs) {
      problems.push(...r.stack.problems().map((p) => `${r.label}: ${p}`));
      await r.stack.close();
    }
  }
  return { runs, problems };
}

function header(s: CheckoutSettings, revisions: Revision[]) {
  const { spec } = s;
  log(
    `bench:orders (checkout)  ${revisions.map((r) => `${r.role} ${r.label}`).join(', ')}; runtime ${s.runtimes.join(',')}; WEB_CONCURRENCY ${s.procs.join(',')}`,
  );
  log(
    `  world: ${spec.buyers} buyers, ${spec.sellers} sellers x ${spec.storesPerSeller} stores x ${spec.booksPerStore} books (stock ${fmt(spec.stockPerBook)}); a pair = new_order of 1-${spec.maxLines} books x 1-${spec.maxCopies} copies from one store + pay_to_platform`,
  );
  log(
    `  closed loop ${s.seconds} s per server in ${s.rounds} round(s), ${s.connections} connections, warm-up ${s.warmupSeconds} s; open loop ${s.openSeconds} s at half the peak; memory phase ${fmt(s.memoryOrders)} orders${s.memoryGiven ? '' : ' at most'} (${s.memoryConnections} connections); budget ${s.budgetSeconds || 'none'} s; PASSWORD_CACHE_SECONDS=${s.passwordCache}`,
  );
}

async function bench(s: CheckoutSettings, report: ReportDraft): Promise<string[]> {
  const started = Date.now();
  const revisions: Revision[] = [];
  try {
    if (s.base) revisions.push(baseRevision(s.base));
    revisions.push(currentRevision());
    header(s, revisions);
    const deadline = s.budgetSeconds ? started + s.budgetSeconds * 1000 : Number.POSITIVE_INFINITY;
    const runs: Run[] = [];
    const order: RoundRef[] = [];
    const problems: string[] = [];
    for (const [i, runtime] of s.runtimes.entries()) {
      const last = i === s.runtimes.length - 1;
      const done = await group(runtime, revisions, s, { last, deadline, order });
      runs.push(...done.runs);
      problems.push(...done.problems);
    }
    log(
      `\nSUMMARY (closed loop: ${s.connections} connections; open loop: latency in ms from the scheduled time)\n`,
    );
    log(summary(runs));
    if (s.base || s.procs.length > 1) log('\nratios:');
    logRatios(runs);
    log(`\nthe whole run took ${fmt((Date.now() - started) / 1000)} s`);
    reportRuns(report, runs, order);
    return problems;
  } finally {
    for (const r of revisions) await r.remove();
  }
}

export function runCheckout() {
  const s = checkoutSettings();
  const report = new ReportDraft(
    'bench:orders',
    'checkout pairs (new_order, then pay_to_platform): closed loop, open loop at a share of the peak, memory per paid order',
    reportSettings(s),
  );
  return runBench('bench:orders', () => bench(s, report), report);
}
