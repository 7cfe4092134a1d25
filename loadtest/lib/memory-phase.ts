/**
 * Redis memory per paid order: creates and pays `orders` checkout pairs as fast as the server goes
 * (closed loop over `connections` connections, each doing the same number of whole pairs, so that
 * nothing is left unanswered), waits until Redis has settled (a payment removes the order's expiry
 * job just after it answers), and divides the growth of Redis's used_memory (and of its key count)
 * by the orders paid. Paid orders stay: ORDER_TIMEOUT_SECONDS only cancels unpaid ones.
 */
import type { CheckoutWorld } from '../scenarios/checkout.ts';
import { closedPairs, type Sequence } from './checkout-closed.ts';
import { sleep } from './common.ts';
import { newPairLog, type PairLog, type RunFacts } from './pair-log.ts';
import type { CpuPids } from './proc.ts';
import { type RedisReading, readRedis } from './redis-info.ts';
import type { Stack } from './stack.ts';

export interface MemoryResult {
  /** pairs asked for (a multiple of the connections) */
  orders: number;
  /** orders paid (answered 200 twice) */
  paid: number;
  bytesPerOrder: number;
  keysPerOrder: number;
  before: RedisReading;
  after: RedisReading;
  log: PairLog;
  facts: RunFacts;
}

/** Reads until used_memory moves less than 0.1 % of `growth` in 250 ms (at most 5 s). */
async function settled(stack: Stack, from: RedisReading): Promise<RedisReading> {
  let last = await readRedis(stack.redis);
  for (let waited = 0; waited < 5000; waited += 250) {
    await sleep(250);
    const now = await readRedis(stack.redis);
    const growth = Math.max(1, now.usedMemory - from.usedMemory);
    if (Math.abs(now.usedMemory - last.usedMemory) < growth / 1000) return now;
    last = now;
  }
  return last;
}

export interface MemoryOptions {
  stack: Stack;
  world: CheckoutWorld;
  seq: Sequence;
  orders: number;
  connections: number;
  limitSeconds: number;
  pids?: CpuPids;
}

export async function memoryPhase(name: string, o: MemoryOptions): Promise<MemoryResult> {
  const orders = Math.ceil(o.orders / o.connections) * o.connections;
  const log = newPairLog();
  const before = await readRedis(o.stack.redis);
  const facts = await closedPairs(name, {
    url: o.stack.base,
    connections: o.connections,
    world: o.world,
    seq: o.seq,
    log,
    pairs: orders,
    limitSeconds: o.limitSeconds,
    pids: o.pids,
  });
  await sleep(500);
  const after = await settled(o.stack, before);
  const paid = log.pairs;
  return {
    orders,
    paid,
    bytesPerOrder: (after.usedMemory - before.usedMemory) / paid,
    keysPerOrder: (after.keys - before.keys) / paid,
    before,
    after,
    log,
    facts,
  };
}
