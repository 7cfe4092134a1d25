/**
 * Summaries of a set of durations for the reports: count, min, nearest-rank percentiles, max.
 */
import { fmt } from './common.ts';

export interface Summary {
  count: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** The nearest-rank `p`-th percentile of ascending `sorted` (NaN when empty). */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** `min 1  p50 4  p90 9  p99 20  max 31` (the fields named in `keys`, in that order). */
export function summaryLine(
  s: Summary,
  keys: readonly (keyof Summary)[] = ['min', 'p50', 'p90', 'p99', 'max'],
) {
  return keys.map((k) => `${k} ${fmt(s[k])}`).join('  ');
}
