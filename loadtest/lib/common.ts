/**
 * Small helpers shared by the load-test drivers: integer settings from the environment, sleeping,
 * printing a line, formatting numbers, and the verdict that ends every bench (with its report).
 */
import { relative } from 'node:path';

/** An integer setting from the environment: `fallback` when unset, an error below `min`. */
export function intEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} must be an integer >= ${min}, got ${raw}`);
  return value;
}

/** Resolves after `ms` (at once when `ms` <= 0). */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export const log = (line = '') => process.stdout.write(`${line}\n`);

/** A number with thousands separators and `digits` decimals; '-' when it is not finite. */
export const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '-';

/** What writes a bench's report files at its end (lib/report/report.ts). */
export interface Report {
  write(problems: readonly string[]): { json: string; html: string };
}

/** `path` from the working directory when it is below it, else as it is. */
const shown = (path: string) => {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
};

/** Writes the report and prints where; a report that cannot be written is a problem. */
function writeReport(report: Report, problems: string[]): void {
  try {
    const paths = report.write(problems);
    log(`\nreport html: ${shown(paths.html)}\nreport json: ${shown(paths.json)}`);
  } catch (error) {
    const problem = `the report could not be written: ${(error as Error).message}`;
    log(`\n${problem}`);
    problems.push(problem);
  }
}

/**
 * Runs a bench and sets the exit code: 0 when it found no problem, 1 when it did (each listed under
 * PROBLEMS), 2 when the bench itself could not run (e.g. the server did not start). A bench that ran
 * writes its `report` (JSON and HTML) and prints both paths before the result.
 */
export async function runBench(
  label: string,
  bench: () => Promise<string[]>,
  report?: Report,
): Promise<void> {
  let problems: string[];
  try {
    problems = await bench();
  } catch (error) {
    log(`${label} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 2;
    return;
  }
  if (problems.length) log(`\nPROBLEMS:\n${problems.map((line) => `  - ${line}`).join('\n')}`);
  if (report) writeReport(report, problems);
  const n = problems.length;
  log(`\nRESULT: ${n ? `FAILED (${n} problem${n > 1 ? 's' : ''})` : 'OK'}`);
  process.exitCode = n ? 1 : 0;
}
