/**
 * The checkout bench's report (lib/report/): every run's phases (closed loop, open loop, memory
 * phase; per request kind and per whole pair), named the same in every run so the charts set the
 * runs side by side, and its other figures as tables: the summary, the closed-loop rounds, Redis's
 * work per pair, the memory per paid order, and the current/base ratios.
 */
import { ratiosTable, runPhases, summaryTable, workOf } from './checkout-report.ts';
import type { Run } from './checkout-runs.ts';
import type { ReportDraft } from './report/report.ts';

/** `closed pair`, `open pair` (the open loop's rate differs from run to run), `memory pair`. */
const phaseKey = (r: Run, name: string) => name.slice(r.label.length + 1).replace(/^@\S+\/s /, 'open ');

function roundsTable(order: readonly { run: Run; round: number }[]) {
  const rows = order.map(({ run, round }, i) => {
    const x = run.rounds[round];
    return [i + 1, run.label, x ? x.log.pairs / x.facts.seconds : null];
  });
  return { title: 'Closed-loop rounds in the order run', head: ['#', 'run', 'pairs/s'], rows };
}

function redisTable(runs: readonly Run[]) {
  const rows = runs.map((r) => {
    const w = workOf(r);
    return [r.label, w.cpuUs, w.evalsha, w.commands, w.reads, w.writes, w.pairs];
  });
  const head = ['run', 'Redis CPU µs/pair', 'EVALSHA/pair', 'commands/pair', 'reads/pair', 'writes/pair'];
  return {
    title: 'Redis work per pair (closed loop)',
    head: [...head, 'pairs'],
    rows,
    digits: [0, 0, 2, 1, 2, 2],
  };
}

function memoryTable(runs: readonly Run[]) {
  const rows = runs.flatMap((r) => {
    const m = r.memory;
    if (!m) return [];
    const used = (bytes: number) => bytes / 2 ** 20;
    const rate = m.paid / m.facts.seconds;
    return [
      [
        r.label,
        m.orders,
        m.paid,
        m.facts.seconds,
        rate,
        used(m.before.usedMemory),
        used(m.after.usedMemory),
        m.bytesPerOrder,
        m.keysPerOrder,
      ],
    ];
  });
  const head = [
    'run',
    'orders',
    'paid',
    'secs',
    'pairs/s',
    'used_memory before MB',
    'after MB',
    'bytes/paid order',
  ];
  return {
    title: 'Memory per paid order',
    head: [...head, 'keys/paid order'],
    rows,
    digits: [0, 0, 0, 1, 0, 0, 0, 0, 2],
  };
}

export function reportRuns(
  report: ReportDraft,
  runs: readonly Run[],
  order: readonly { run: Run; round: number }[],
) {
  // A base revision's run says so: BENCH_BASE=HEAD on a clean checkout has the label of the current one.
  for (const r of runs)
    report.addPhases(`${r.revision.role === 'base' ? 'base ' : ''}${r.label}`, runPhases(r), (p) =>
      phaseKey(r, p.name),
    );
  report.addTable({
    ...summaryTable(runs),
    title: 'Summary (open loop: latency in ms from the scheduled time)',
  });
  report.addTable(roundsTable(order));
  report.addTable(redisTable(runs));
  const memory = memoryTable(runs);
  if (memory.rows.length) report.addTable(memory);
  const ratios = ratiosTable(runs);
  if (ratios.rows.length) report.addTable(ratios);
}
