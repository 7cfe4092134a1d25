/**
 * One server under the checkout workload ("a run"): a revision's server on a runtime with a number
 * of processes, its own redis-server and world. Opening it (stack, world, a self-check of the
 * reporting), its warm-up, its closed-loop rounds (Redis read before and after each), its open loop
 * at half its peak.
 */
import { loadConfig } from '../../src/config.ts';
import { runTag } from '../scenarios/catalog.ts';
import {
  type CheckoutSpec,
  type CheckoutWorld,
  checkoutBuyers,
  checkoutSellers,
  checkoutWorld,
} from '../scenarios/checkout.ts';
import { closedPairs, type Sequence } from './checkout-closed.ts';
import { openPairs } from './checkout-open.ts';
import type { CheckoutSettings } from './checkout-settings.ts';
import { fmt, log } from './common.ts';
import { mapLimit, run } from './http.ts';
import type { MemoryResult } from './memory-phase.ts';
import { newPairLog, type PairLog, type RunFacts } from './pair-log.ts';
import { sameProgram } from './proc.ts';
import { type RedisReading, readRedis } from './redis-info.ts';
import type { Revision } from './revisions.ts';
import type { Runtime } from './server.ts';
import { type OpenStack, openStack } from './stack.ts';
import { CONCURRENCY } from './world.ts';

export interface Round {
  log: PairLog;
  facts: RunFacts;
  from: RedisReading;
  to: RedisReading;
}

export interface Run {
  /** `<revision> <runtime> x<procs>` */
  label: string;
  revision: Revision;
  runtime: Runtime;
  procs: number;
  /** server processes once it served (WEB_CONCURRENCY > 1 on Node: the primary too) */
  processes: number;
  stack: OpenStack;
  /** the run's ids start with it */
  tag: string;
  /** the server's KEY_PREFIX: the service's default (each run has a Redis of its own), so the memory
   * per order is what a deployment sees */
  keyPrefix: string;
  world: CheckoutWorld;
  seq: Sequence;
  /** every log of this run with ids kept, for the verification */
  logs: PairLog[];
  rounds: Round[];
  open?: { rate: number; log: PairLog; facts: RunFacts };
  memory?: MemoryResult;
}

async function buildWorld(base: string, tag: string, spec: CheckoutSpec): Promise<CheckoutWorld> {
  const sellers = await mapLimit(checkoutSellers(tag, spec), CONCURRENCY, (steps) => run(base, steps));
  const buyers = await mapLimit(checkoutBuyers(tag, spec), CONCURRENCY, (steps) => run(base, steps));
  return checkoutWorld(spec, sellers, buyers);
}

/** Pairs with a bad token must all show as new_order non-2xx and none as a pair, or the bench stops. */
async function reportingSelfCheck(r: Run): Promise<void> {
  const world = { ...r.world, buyers: r.world.buyers.map((b) => ({ ...b, token: 'not-a-token' })) };
  const log1 = newPairLog();
  await closedPairs('self-check', {
    url: r.stack.base,
    connections: 2,
    world,
    seq: r.seq,
    log: log1,
    pairs: 10,
  });
  const { newOrder, pay, pairs } = log1;
  const bad = newOrder.answered - newOrder.ok;
  if (newOrder.answered !== 20 || bad !== 20 || pay.sent !== 0 || pairs !== 0)
    throw new Error(
      `reporting self-check: 20 new_order with a bad token counted ${bad} failed of ${newOrder.answered}, ${pay.sent} pays, ${pairs} pairs`,
    );
  log(`  ${r.label}: reporting self-check: 20 new_order with a bad token -> 20 failed, no pay, no pair OK`);
}

export async function openRun(
  revision: Revision,
  runtime: Runtime,
  procs: number,
  s: CheckoutSettings,
  index: number,
) {
  const tag = runTag(Date.now(), Math.random());
  const keyPrefix = loadConfig({}).KEY_PREFIX;
  const env = {
    KEY_PREFIX: keyPrefix,
    PASSWORD_CACHE_SECONDS: s.passwordCache,
    WEB_CONCURRENCY: String(procs),
  };
  const port = s.port ? s.port + index : undefined;
  const t0 = Date.now();
  const stack = await openStack({ dirPrefix: 'bench-checkout-', env, root: revision.root, runtime, port });
  try {
    const label = `${revision.label} ${runtime} x${procs}`;
    const processes = sameProgram(stack.server.child.pid);
    const world = await buildWorld(stack.base, tag, s.spec);
    const r: Run = {
      label,
      revision,
      runtime,
      procs,
      processes,
      stack,
      tag,
      keyPrefix,
      world,
      seq: { next: 0 },
      logs: [],
      rounds: [],
    };
    log(
      `  ${label}: server ${stack.base} (pid ${stack.server.child.pid}, ${processes} process${processes > 1 ? 'es' : ''}), own redis-server, ids ${tag}-*; up with its world in ${fmt((Date.now() - t0) / 1000, 1)} s`,
    );
    if (procs > 1 && processes === 1)
      log(
        `  ${label}: WEB_CONCURRENCY=${procs} but the server runs one process (not supported by this revision/runtime)`,
      );
    await reportingSelfCheck(r);
    return r;
  } catch (error) {
    log(`server output, last lines:\n${stack.server.output().split('\n').slice(-40).join('\n')}`);
    await stack.close();
    throw error;
  }
}

/** A closed-loop run of `seconds`: measured (a round, Redis read around it) or a warm-up. */
export async function closedRun(r: Run, s: CheckoutSettings, seconds: number, measured: boolean) {
  const log1 = newPairLog(true);
  r.logs.push(log1);
  const options = {
    url: r.stack.base,
    connections: s.connections,
    world: r.world,
    seq: r.seq,
    log: log1,
    seconds,
  };
  if (!measured) return void (await closedPairs(`${r.label} warm-up`, options));
  const from = await readRedis(r.stack.redis);
  const facts = await closedPairs(`${r.label} closed`, { ...options, pids: r.stack.pids });
  const to = await readRedis(r.stack.redis);
  r.rounds.push({ log: log1, facts, from, to });
  return facts;
}

/** Pairs per second over the closed-loop rounds. */
export const peak = (r: Run) =>
  r.rounds.reduce((sum, x) => sum + x.log.pairs, 0) /
  (r.rounds.reduce((sum, x) => sum + x.facts.seconds, 0) || 1);

/** The open loop at `openPercent` of the peak (half by default). */
export async function openLoop(r: Run, s: CheckoutSettings): Promise<void> {
  const rate = (peak(r) * s.openPercent) / 100;
  if (!(rate > 0) || s.openSeconds === 0) return;
  const log1 = newPairLog(true);
  r.logs.push(log1);
  const options = { url: r.stack.base, world: r.world, seq: r.seq, log: log1, rate, seconds: s.openSeconds };
  const facts = await openPairs({ ...options, connections: s.connections, pids: r.stack.pids });
  r.open = { rate, log: log1, facts };
  log(
    `  ${r.label}: open loop at ${fmt(rate)}/s: the bench's own event loop was late by ${fmt(facts.benchLag.p99, 1)} ms at p99, ${fmt(facts.benchLag.max, 1)} ms at most`,
  );
}
