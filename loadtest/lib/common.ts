/**
 * Small helpers shared by the load-test drivers: integer settings from the environment, sleeping,
 * printing a line and formatting numbers for the reports.
 */

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
