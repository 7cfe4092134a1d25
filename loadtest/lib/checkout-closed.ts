/**
 * Checkout pairs in a closed loop: `connections` lanes, each on its own keep-alive connection
 * (lib/raw-http.ts), each sending new_order, then pay_to_platform of the order it just created
 * (skipped when the order failed), then the next pair; for a duration, or for a number of pairs
 * (every lane the same number of requests, so each ends on a whole pair and nothing is left
 * unanswered). A lane that is past the end finishes the pair it is in (its order gets paid); the
 * phase lasts until the last lane stops, and its rate counts over that time.
 *
 * Why not autocannon: on 2 shared cores the load generator's CPU is taken from the server. This
 * driver sends pre-serialised requests and parses only status and body, at a fraction of
 * autocannon's CPU per request (the bench's `cpu% bench` column shows it), which is what lets a
 * second server process (WEB_CONCURRENCY=2) show what it is worth here.
 */
import type { CheckoutWorld } from '../scenarios/checkout.ts';
import { type PairTarget, type Sequence, sendPair } from './checkout-pair.ts';
import { type PairLog, type RunFacts, startLog, stopLog } from './pair-log.ts';
import { type CpuPids, withCpu } from './proc.ts';
import { RawPool } from './raw-http.ts';

export type { Sequence } from './checkout-pair.ts';

export interface ClosedOptions {
  url: string;
  connections: number;
  world: CheckoutWorld;
  seq: Sequence;
  log: PairLog;
  /** seconds; or `pairs` (rounded up to a multiple of `connections`) with `limitSeconds` */
  seconds?: number;
  pairs?: number;
  limitSeconds?: number;
  pids?: CpuPids;
}

/** One lane's loop: pairs until `more()` says no (asked before each pair, with the requests sent). */
async function lane(target: PairTarget, more: (sent: number) => boolean) {
  let sent = 0;
  while (more(sent)) sent += await sendPair(target, performance.now());
}

async function run(o: ClosedOptions): Promise<RunFacts> {
  const pool = new RawPool(new URL(o.url), o.connections);
  const facts: RunFacts = { seconds: 0, errors: 0, timeouts: 0 };
  const start = performance.now();
  const limitMs = 1000 * (o.pairs === undefined ? (o.seconds ?? 1) : (o.limitSeconds ?? Infinity));
  const inTime = () => performance.now() - start < limitMs;
  // Bounded by pairs: each lane sends 2 x its share of requests (a failed new_order counts as one).
  const perLane = 2 * Math.ceil((o.pairs ?? 0) / o.connections);
  const more = o.pairs === undefined ? inTime : (sent: number) => sent < perLane && inTime();
  startLog(o.log, start);
  try {
    const target = { pool, world: o.world, seq: o.seq, log: o.log, facts };
    await Promise.all(Array.from({ length: o.connections }, () => lane(target, more)));
  } finally {
    pool.close();
  }
  const end = performance.now();
  stopLog(o.log, end);
  facts.seconds = (end - start) / 1000;
  return facts;
}

/** Runs the closed loop; the facts of the run (seconds, socket errors, CPU), the pairs in `o.log`. */
export const closedPairs = (_name: string, o: ClosedOptions): Promise<RunFacts> =>
  withCpu(o.pids, () => run(o));
