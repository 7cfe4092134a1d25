/**
 * autocannon runs and their report: a run bounded by duration or by count plus a time limit, a
 * measured phase with the CPU each process used meanwhile, the results table, and the problems
 * (non-2xx, socket errors, timeouts) that fail a bench.
 */
import autocannon from 'autocannon';
import type * as api from '../scenarios/api.ts';
import { fmt } from './common.ts';
import { type CpuPids, type CpuShare, cpuMark, cpuShare } from './cpu.ts';

export interface PhaseResult {
  name: string;
  result: autocannon.Result;
  cpu?: CpuShare;
}

/** Runs one measured phase and records the CPU each process used meanwhile. */
export async function measured(
  name: string,
  pids: CpuPids,
  run: () => Promise<autocannon.Result>,
): Promise<PhaseResult> {
  const before = cpuMark(pids);
  const result = await run();
  return { name, result, cpu: cpuShare(before, cpuMark(pids)) };
}

export function runCannon(options: autocannon.Options, hardStopSeconds?: number): Promise<autocannon.Result> {
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

export function cannonRequest(req: api.ApiRequest, base: autocannon.Request): autocannon.Request {
  return { ...base, method: req.method, path: req.path, headers: req.headers, body: req.body };
}

/** Answers per second, non-2xx included. */
export const rate = (r: autocannon.Result) => (r.duration > 0 ? r.requests.total / r.duration : 0);

export function statusLine(r: autocannon.Result): string {
  const stats = Object.entries(r.statusCodeStats ?? {})
    .map(([code, s]) => `${code}x${s.count ?? 0}`)
    .join(' ');
  return stats || 'none';
}

export function table(phases: PhaseResult[]): string {
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
export function phaseProblems(p: PhaseResult): string[] {
  const r = p.result;
  const problems: string[] = [];
  if (r.non2xx > 0) problems.push(`${p.name}: ${r.non2xx} non-2xx answers (by status: ${statusLine(r)})`);
  if (r.errors > 0) problems.push(`${p.name}: ${r.errors} socket errors, of which ${r.timeouts} timeouts`);
  return problems;
}
