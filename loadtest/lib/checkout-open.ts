/**
 * Checkout pairs in an open loop: pair i is due at start + i / rate and its new_order is sent then,
 * whether or not earlier pairs have been answered (over a pool of keep-alive connections,
 * lib/raw-http.ts; a request waiting for a free connection waits on the clock). Its pay is sent as
 * soon as the new_order answers. Latencies count from the scheduled times, so falling behind shows
 * in the figures instead of slowing the load (no coordinated omission): new_order from the pair's due
 * time, pay from the new_order's answer (when it was due to go), the pair from its due time to the
 * pay's answer. The run ends when every pair sent has been answered. The pool connects before the
 * first pair is due (a client of the service keeps its connections), and the bench's own event-loop
 * delay is measured meanwhile: a stall of the bench delays requests as one of the server does.
 */

import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { CheckoutWorld } from '../scenarios/checkout.ts';
import { type Sequence, sendPair } from './checkout-pair.ts';
import { sleep } from './common.ts';
import { type PairLog, type RunFacts, startLog, stopLog } from './pair-log.ts';
import { type CpuPids, withCpu } from './proc.ts';
import { RawPool } from './raw-http.ts';

export interface OpenOptions {
  url: string;
  world: CheckoutWorld;
  seq: Sequence;
  log: PairLog;
  /** pairs per second */
  rate: number;
  seconds: number;
  connections: number;
  pids?: CpuPids;
}

/** The open loop's facts, and how late the bench's own event loop ran (its stalls delay requests too). */
export interface OpenFacts extends RunFacts {
  benchLag: { p99: number; max: number };
}

async function run(o: OpenOptions): Promise<OpenFacts> {
  const pool = new RawPool(new URL(o.url), o.connections);
  await pool.open();
  const lag = monitorEventLoopDelay({ resolution: 1 });
  const facts: OpenFacts = { seconds: o.seconds, errors: 0, timeouts: 0, benchLag: { p99: 0, max: 0 } };
  const target = { pool, world: o.world, seq: o.seq, log: o.log, facts };
  const count = Math.max(1, Math.round(o.rate * o.seconds));
  const inFlight: Promise<void>[] = [];
  const start = performance.now() + 10;
  startLog(o.log, start);
  lag.enable();
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / o.rate;
    const wait = due - performance.now();
    if (wait >= 1) await sleep(wait);
    inFlight.push(sendPair(target, due).then(() => {}));
  }
  stopLog(o.log, start + (count * 1000) / o.rate);
  await Promise.all(inFlight);
  lag.disable();
  facts.benchLag = { p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 };
  pool.close();
  facts.seconds = (performance.now() - start) / 1000;
  return facts;
}

export const openPairs = (o: OpenOptions): Promise<OpenFacts> => withCpu(o.pids, () => run(o));
