/**
 * A measured phase, whoever drove it (autocannon's closed loop or lib/paced.ts's open loop), and its
 * report: answers by status, socket errors, latency, CPU; the results table, the ratios to a healthz
 * baseline, and the problems (non-2xx, socket errors, timeouts) that fail a bench.
 */
import { fmt, log } from './common.ts';
import type { CpuShare } from './proc.ts';
import type { Sample } from './timeline.ts';

export interface Phase {
  name: string;
  seconds: number;
  sent: number;
  answered: number;
  /** answers by HTTP status */
  statuses: Record<string, number>;
  /** socket errors, timeouts included */
  errors: number;
  timeouts: number;
  /** ms, over the answers */
  latency: { p50: number; p90: number; p99: number; max: number };
  cpu?: CpuShare;
  /** the phase second by second (lib/timeline.ts), for the report's charts */
  samples: Sample[];
}

/** Answers per second, non-2xx included. */
export const rate = (p: Phase) => (p.seconds > 0 ? p.answered / p.seconds : 0);

/** Answers outside 2xx and outside `allowed`. */
export const non2xx = (p: Phase, allowed: readonly number[] = []) =>
  Object.entries(p.statuses)
    .filter(([code]) => !code.startsWith('2') && !allowed.includes(Number(code)))
    .reduce((sum, [, n]) => sum + n, 0);

export const statusLine = (p: Phase) =>
  Object.entries(p.statuses)
    .map(([code, n]) => `${code}x${n}`)
    .join(' ') || 'none';

/** Problems of one phase: any non-2xx not `allowed`, socket error or timeout. */
export function phaseProblems(p: Phase, allowed: readonly number[] = []): string[] {
  const problems = p.answered === 0 ? [`${p.name}: no request answered`] : [];
  const bad = non2xx(p, allowed);
  if (bad > 0) problems.push(`${p.name}: ${bad} non-2xx answers (by status: ${statusLine(p)})`);
  if (p.errors > 0) problems.push(`${p.name}: ${p.errors} socket errors, of which ${p.timeouts} timeouts`);
  return problems;
}

const HEAD = ['phase', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'answered', 'unanswered', 'non-2xx'];

/** The results table; `unanswered`: sent but not answered when the phase ended (not in the latency). */
export function table(phases: readonly Phase[]): string {
  const head = [...HEAD, 'errors', 'timeouts', 'secs', 'cpu% server', 'redis', 'bench'];
  const rows = phases.map((p) => [
    p.name,
    fmt(rate(p)),
    fmt(p.latency.p50, 1),
    fmt(p.latency.p99, 1),
    fmt(p.latency.max, 1),
    fmt(p.answered),
    fmt(Math.max(0, p.sent - p.answered)),
    fmt(non2xx(p)),
    fmt(p.errors),
    fmt(p.timeouts),
    fmt(p.seconds, 1),
    fmt(p.cpu?.server ?? Number.NaN),
    fmt(p.cpu?.redis ?? Number.NaN),
    fmt(p.cpu?.bench ?? Number.NaN),
  ]);
  return drawTable(head, rows);
}

/** A text table: the first column left-aligned, the others right-aligned, a rule under the head. */
export function drawTable(head: readonly string[], rows: readonly string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * Logs each phase's req/s over the mean of the healthz `baselines`, and with two baselines (start and
 * end of the run) how far the baseline moved: the ratios are no more precise than that.
 */
export function logRatios(phases: readonly Phase[], baselines: readonly Phase[]) {
  const rates = baselines.map(rate);
  const baseline = rates.reduce((a, b) => a + b, 0) / (rates.length || 1) || 1;
  log(
    `ratios to healthz (req/s): ${phases.map((p) => `${p.name} ${fmt(rate(p) / baseline, 3)}`).join('   ')}`,
  );
  const [h1 = 0, h2] = rates;
  if (h2 !== undefined)
    log(
      `baseline moved ${fmt((100 * (h2 - h1)) / baseline, 0)}% between start and end: the ratios are no more precise than that`,
    );
}
