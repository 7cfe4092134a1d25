/**
 * Checkout pairs in a closed loop with autocannon (a request sequence per connection): each
 * connection sends new_order, then pay_to_platform of the order it just created (skipped when the
 * order failed: autocannon then starts the next pair), then the next pair; for a duration, or for a
 * number of pairs (every connection the same number, so each ends on a whole pair and nothing is
 * left unanswered). Latencies are timed per request kind, from its set-up (just before autocannon
 * writes it) to its answer, since autocannon's own histogram mixes the two kinds.
 */
import type autocannon from 'autocannon';
import * as api from '../scenarios/api.ts';
import {
  type CheckoutWorld,
  orderRequest,
  type PairPlan,
  pairPlan,
  payRequest,
  succeeded,
} from '../scenarios/checkout.ts';
import { cannonRequest, runCannon } from './cannon.ts';
import { type PairLog, type RunFacts, recordAnswer, recordPair, startLog, stopLog } from './pair-log.ts';
import type { CpuPids } from './proc.ts';

/** Hands out pair numbers, so that every pair sent to a world (all phases) has its own plan. */
export interface Sequence {
  next: number;
}

type Ctx = { plan?: PairPlan; orderId?: string; t0?: number; t1?: number };

export function pairRequests(world: CheckoutWorld, seq: Sequence, log: PairLog): autocannon.Request[] {
  const order = {
    setupRequest: (request: autocannon.Request, ctx: Ctx) => {
      ctx.plan = pairPlan(seq.next++, world);
      ctx.orderId = undefined;
      log.newOrder.sent++;
      ctx.t0 = performance.now();
      return cannonRequest(orderRequest(ctx.plan), request);
    },
    onResponse: (status: number, body: string, ctx: Ctx) => {
      const reply = api.parseReply(body);
      const ok = succeeded(status, reply);
      recordAnswer(log.newOrder, status, performance.now() - (ctx.t0 ?? 0), ok);
      ctx.orderId = ok ? api.stringField(reply, 'order_id') : undefined;
      if (ctx.orderId) log.created?.push(ctx.orderId);
    },
  };
  const pay = {
    setupRequest: (request: autocannon.Request, ctx: Ctx) => {
      // No order to pay: a falsy request makes autocannon start the sequence (the next pair) again.
      if (!ctx.plan || !ctx.orderId) return undefined;
      log.pay.sent++;
      ctx.t1 = performance.now();
      return cannonRequest(payRequest(ctx.plan, ctx.orderId), request);
    },
    onResponse: (status: number, body: string, ctx: Ctx) => {
      const now = performance.now();
      const ok = succeeded(status, api.parseReply(body));
      recordAnswer(log.pay, status, now - (ctx.t1 ?? 0), ok, now);
      if (ok) recordPair(log, now - (ctx.t0 ?? 0), ctx.orderId, now);
    },
  };
  return [order, pay] as autocannon.Request[];
}

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

/** Runs the closed loop; the facts of the run (seconds, socket errors, CPU), the pairs in `o.log`. */
export async function closedPairs(name: string, o: ClosedOptions): Promise<RunFacts> {
  const requests = pairRequests(o.world, o.seq, o.log);
  const perConnection = Math.ceil((o.pairs ?? 0) / o.connections);
  const bound =
    o.pairs === undefined ? { duration: o.seconds ?? 1 } : { amount: 2 * perConnection * o.connections };
  const options = { url: o.url, connections: o.connections, timeout: 10, requests, ...bound };
  const onError = () => o.log.pairTimeline.error();
  const start = performance.now();
  startLog(o.log, start);
  const phase = await runCannon(name, options, { pids: o.pids, limitSeconds: o.limitSeconds, onError });
  // The phase's end as autocannon measured it (its callback comes later, after its own summary).
  stopLog(o.log, start + phase.seconds * 1000);
  return { seconds: phase.seconds, errors: phase.errors, timeouts: phase.timeouts, cpu: phase.cpu };
}
