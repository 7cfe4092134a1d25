/**
 * What the checkout bench prints: each run's rows in the results table (closed loop, open loop at
 * half the peak, memory phase; per request kind and per whole pair), Redis's work per pair, memory
 * per paid order, the summary table over all runs, and current/base ratios for runs that differ
 * only by revision.
 */

import { peak, type Run } from './checkout-runs.ts';
import { fmt, log } from './common.ts';
import { mergeLogs, pairPhases, type RunFacts } from './pair-log.ts';
import { drawTable, type Phase } from './phase.ts';
import { mb } from './proc.ts';
import { type RedisWork, redisWork, topLine } from './redis-info.ts';
import { type FigureTable, tableText } from './report/shape.ts';
import { summarize } from './stats.ts';

function mergeFacts(all: readonly RunFacts[]): RunFacts {
  const seconds = all.reduce((sum, f) => sum + f.seconds, 0);
  const mean = (k: 'server' | 'redis' | 'bench') =>
    all.reduce((sum, f) => sum + (f.cpu?.[k] ?? Number.NaN) * f.seconds, 0) / seconds;
  return {
    seconds,
    errors: all.reduce((sum, f) => sum + f.errors, 0),
    timeouts: all.reduce((sum, f) => sum + f.timeouts, 0),
    cpu: { server: mean('server'), redis: mean('redis'), bench: mean('bench') },
  };
}

/** One run's rows: `closed` (its rounds together), `@<rate>/s` (open loop), `memory`. */
export function runPhases(r: Run): Phase[] {
  const rows: Phase[] = [];
  const closed = mergeLogs(r.rounds.map((x) => x.log));
  if (r.rounds.length)
    rows.push(...pairPhases(`${r.label} closed`, closed, mergeFacts(r.rounds.map((x) => x.facts))));
  if (r.open) rows.push(...pairPhases(`${r.label} @${fmt(r.open.rate)}/s`, r.open.log, r.open.facts));
  if (r.memory) rows.push(...pairPhases(`${r.label} memory`, r.memory.log, r.memory.facts));
  return rows;
}

export const workOf = (r: Run): RedisWork =>
  redisWork(r.rounds.map((x) => ({ from: x.from, to: x.to, pairs: x.log.pairs })));

export function logRedisWork(r: Run): void {
  const w = workOf(r);
  log(
    `  ${r.label}: Redis CPU ${fmt(w.cpuUs)} µs/pair, EVALSHA ${fmt(w.evalsha, 2)}/pair, ${fmt(w.commands, 1)} commands/pair, ${fmt(w.reads, 2)} reads and ${fmt(w.writes, 2)} writes/pair (over ${fmt(w.pairs)} pairs)`,
  );
  log(`    per pair, by µs (share of Redis CPU): ${topLine(w)}`);
}

export function logMemory(r: Run): void {
  const m = r.memory;
  if (!m) return;
  log(
    `  ${r.label}: ${fmt(m.paid)} of ${fmt(m.orders)} orders created and paid in ${fmt(m.facts.seconds, 1)} s (${fmt(m.paid / m.facts.seconds)} pairs/s); used_memory ${mb(m.before.usedMemory)} -> ${mb(m.after.usedMemory)}: ${fmt(m.bytesPerOrder)} bytes and ${fmt(m.keysPerOrder, 2)} keys per paid order`,
  );
}

/** Pairs per second of each closed-loop round, in the order they ran. */
export function logRounds(order: readonly { run: Run; round: number }[]): void {
  const parts = order.map(({ run, round }) => {
    const x = run.rounds[round];
    return `${run.label} ${x ? fmt(x.log.pairs / x.facts.seconds) : '-'}`;
  });
  log(`  closed-loop rounds, pairs/s in the order run: ${parts.join(' | ')}`);
}

export const p99 = (values: readonly number[] | undefined) => (values ? summarize(values).p99 : Number.NaN);

const HEAD = ['server', 'procs', 'pairs/s', 'open rate', 'open p99 new_order', 'pay', 'pair'];

/** The summary, a row per run (null where the run has no such figure). */
export function summaryTable(runs: readonly Run[]): FigureTable {
  const head = [...HEAD, 'Redis CPU µs/pair', 'EVALSHA/pair', 'cmds/pair', 'bytes/paid order'];
  const rows = runs.map((r) => {
    const w = workOf(r);
    return [
      r.label,
      r.processes > 1 || r.procs === 1 ? String(r.procs) : `${r.procs} (ran 1)`,
      peak(r),
      r.open ? r.open.rate : null,
      p99(r.open?.log.newOrder.latencies),
      p99(r.open?.log.pay.latencies),
      p99(r.open?.log.pairLatencies),
      w.cpuUs,
      w.evalsha,
      w.commands,
      r.memory ? r.memory.bytesPerOrder : null,
    ];
  });
  return { title: 'summary', head, rows, digits: [0, 0, 0, 0, 1, 1, 1, 0, 2, 1, 0] };
}

export function summary(runs: readonly Run[]): string {
  const t = summaryTable(runs);
  return drawTable(t.head, tableText(t));
}

type Row = (string | number | null)[];

/** `a` ÷ `b`, figure by figure. */
function ratioRow(label: string, a: Run, b: Run): Row {
  const [wa, wb] = [workOf(a), workOf(b)];
  const mem = a.memory && b.memory ? a.memory.bytesPerOrder / b.memory.bytesPerOrder : null;
  return [
    label,
    peak(a) / peak(b),
    wa.cpuUs / wb.cpuUs,
    wa.evalsha / wb.evalsha,
    wa.commands / wb.commands,
    p99(a.open?.log.pairLatencies) / p99(b.open?.log.pairLatencies),
    mem,
  ];
}

/**
 * current ÷ base for every pair of runs with the same runtime and processes; and, within each
 * runtime and revision, every process count ÷ the first (`x2 ÷ x1`), measured in the same rounds.
 */
export function ratiosTable(runs: readonly Run[]): FigureTable {
  const revisions = runs.flatMap((current) => {
    const base = runs.find(
      (r) => r.revision.role === 'base' && r.runtime === current.runtime && r.procs === current.procs,
    );
    if (current.revision.role !== 'current' || !base) return [];
    const note = base.procs > 1 && base.processes <= 1 ? ' (the base ran one process)' : '';
    return [ratioRow(`${current.runtime} x${current.procs}: current ÷ base${note}`, current, base)];
  });
  const processes = runs.flatMap((more) => {
    const first = runs.find((r) => r.revision === more.revision && r.runtime === more.runtime);
    if (!first || first === more || more.processes <= 1) return [];
    return [ratioRow(`${more.label}: x${more.procs} ÷ x${first.procs}`, more, first)];
  });
  const head = ['runs', 'pairs/s', 'Redis CPU/pair', 'EVALSHA/pair', 'commands/pair', 'open p99 pair'];
  return {
    title: 'ratios',
    head: [...head, 'bytes/paid order'],
    rows: [...revisions, ...processes],
    digits: [0, 3, 3, 3, 3, 3, 3],
  };
}

export function logRatios(runs: readonly Run[]): void {
  for (const [label, pairs, cpu, evalsha, commands, openP99, mem] of tableText(ratiosTable(runs)))
    log(
      `  ${label}  pairs/s ${pairs}   Redis CPU/pair ${cpu}   EVALSHA/pair ${evalsha}   commands/pair ${commands}   open p99 pair ${openP99}   bytes/paid order ${mem}`,
    );
}
