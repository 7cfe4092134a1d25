/**
 * bench-orders' settings for the checkout workload, from the environment (loadtest/README.md lists
 * them). A bad value stops the bench before anything starts.
 */
import { type CheckoutSpec, COURSE } from '../scenarios/checkout.ts';
import { intEnv } from './common.ts';
import type { Runtime } from './server.ts';

export interface CheckoutSettings {
  /** closed loop, per server (split over `rounds`) */
  seconds: number;
  rounds: number;
  warmupSeconds: number;
  /** open loop at `openPercent` of the peak, per server; 0 skips it */
  openSeconds: number;
  openPercent: number;
  connections: number;
  spec: CheckoutSpec;
  /** orders of the memory phase (0: none); `memoryGiven`: set explicitly, so not cut to the budget */
  memoryOrders: number;
  memoryGiven: boolean;
  memoryConnections: number;
  /** seconds the whole run should take at most (the memory phase adapts); 0: no limit */
  budgetSeconds: number;
  procs: number[];
  runtimes: Runtime[];
  base?: string;
  passwordCache: string;
  /** BENCH_PORT: the first server's port (the next ones +1, +2...); 0: free ports */
  port: number;
}

/** A comma-separated list: `fallback` when unset. */
function listEnv<T>(name: string, fallback: string, parse: (item: string) => T | undefined): T[] {
  const raw = process.env[name] || fallback;
  return raw.split(',').map((item) => {
    const value = parse(item.trim());
    if (value === undefined) throw new Error(`${name}: cannot read '${item}' in ${raw}`);
    return value;
  });
}

export function checkoutSettings(): CheckoutSettings {
  const base = process.env.BENCH_BASE || undefined;
  const memoryGiven = (process.env.BENCH_MEMORY_ORDERS ?? '') !== '';
  return {
    seconds: intEnv('BENCH_SECONDS', 10, 1),
    rounds: intEnv('BENCH_ROUNDS', base ? 2 : 1, 1),
    warmupSeconds: intEnv('BENCH_WARMUP_SECONDS', 2, 0),
    openSeconds: intEnv('BENCH_OPEN_SECONDS', 10, 0),
    openPercent: intEnv('BENCH_OPEN_PERCENT', 50, 1),
    connections: intEnv('BENCH_CONNECTIONS', 50, 1),
    spec: {
      ...COURSE,
      buyers: intEnv('BENCH_BUYERS', COURSE.buyers, 1),
      sellers: intEnv('BENCH_SELLERS', COURSE.sellers, 1),
      storesPerSeller: intEnv('BENCH_STORES', COURSE.storesPerSeller, 1),
      booksPerStore: intEnv('BENCH_BOOKS', COURSE.booksPerStore, 1),
    },
    memoryOrders: intEnv('BENCH_MEMORY_ORDERS', 100_000, 0),
    memoryGiven,
    memoryConnections: intEnv('BENCH_MEMORY_CONNECTIONS', 100, 1),
    budgetSeconds: intEnv('BENCH_BUDGET_SECONDS', 180, 0),
    procs: listEnv('BENCH_PROCS', '1', (p) => (/^[1-9]\d*$/.test(p) ? Number(p) : undefined)),
    runtimes: listEnv('BENCH_RUNTIME', 'node', (r) => (r === 'node' || r === 'deno' ? r : undefined)),
    base,
    passwordCache: process.env.PASSWORD_CACHE_SECONDS ?? '3600',
    port: intEnv('BENCH_PORT', 0, 0),
  };
}

/** The settings under their variables' names, for the report. */
export function reportSettings(s: CheckoutSettings): Record<string, string | number> {
  return {
    BENCH_MODE: 'checkout',
    BENCH_SECONDS: s.seconds,
    BENCH_ROUNDS: s.rounds,
    BENCH_WARMUP_SECONDS: s.warmupSeconds,
    BENCH_OPEN_SECONDS: s.openSeconds,
    BENCH_OPEN_PERCENT: s.openPercent,
    BENCH_CONNECTIONS: s.connections,
    BENCH_BUYERS: s.spec.buyers,
    BENCH_SELLERS: s.spec.sellers,
    BENCH_STORES: s.spec.storesPerSeller,
    BENCH_BOOKS: s.spec.booksPerStore,
    BENCH_MEMORY_ORDERS: s.memoryGiven ? s.memoryOrders : `${s.memoryOrders}, cut to the budget`,
    BENCH_MEMORY_CONNECTIONS: s.memoryConnections,
    BENCH_BUDGET_SECONDS: s.budgetSeconds,
    BENCH_PROCS: s.procs.join(','),
    BENCH_RUNTIME: s.runtimes.join(','),
    BENCH_BASE: s.base ?? '',
    PASSWORD_CACHE_SECONDS: s.passwordCache,
  };
}
