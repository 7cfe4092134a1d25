/**
 * One checkout pair over the bare HTTP client, as both loops send it (checkout-closed.ts,
 * checkout-open.ts): new_order, then pay_to_platform of the order it created (skipped when the order
 * failed), each answer recorded in the log. new_order is timed from `start` (when the pair was sent,
 * or when it was due), pay from the new_order's answer, the pair from `start` to the pay's answer.
 */
import * as api from '../scenarios/api.ts';
import { type CheckoutWorld, orderRequest, pairPlan, payRequest, succeeded } from '../scenarios/checkout.ts';
import { type PairLog, type RunFacts, recordAnswer, recordPair } from './pair-log.ts';
import type { RawPool } from './raw-http.ts';

/** Hands out pair numbers, so that every pair sent to a world (all phases) has its own plan. */
export interface Sequence {
  next: number;
}

export interface PairTarget {
  pool: RawPool;
  world: CheckoutWorld;
  seq: Sequence;
  log: PairLog;
  /** counts the socket errors and timeouts */
  facts: RunFacts;
}

function failed(t: PairTarget, e: Error): void {
  t.facts.errors++;
  if (e.message === 'timeout') t.facts.timeouts++;
  t.log.pairTimeline.error();
}

/** Sends the next pair of the world's sequence; the requests it sent (1 or 2). */
export async function sendPair(t: PairTarget, start: number): Promise<number> {
  const plan = pairPlan(t.seq.next++, t.world);
  t.log.newOrder.sent++;
  const created = await t.pool.send(orderRequest(plan));
  if (created instanceof Error) {
    failed(t, created);
    return 1;
  }
  const t1 = performance.now();
  const reply = api.parseReply(created.body);
  const orderId = api.stringField(reply, 'order_id');
  const ordered = succeeded(created.status, reply) && orderId !== undefined;
  recordAnswer(t.log.newOrder, created.status, t1 - start, ordered, t1);
  if (!ordered || !orderId) return 1;
  t.log.created?.push(orderId);
  t.log.pay.sent++;
  const paid = await t.pool.send(payRequest(plan, orderId));
  if (paid instanceof Error) {
    failed(t, paid);
    return 2;
  }
  const t2 = performance.now();
  const ok = succeeded(paid.status, api.parseReply(paid.body));
  recordAnswer(t.log.pay, paid.status, t2 - t1, ok, t2);
  if (ok) recordPair(t.log, t2 - start, orderId, t2);
  return 2;
}
