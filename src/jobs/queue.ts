/**
 * The producer side of the "orders" queue (BullMQ, with its own hash-tagged prefix): schedules the
 * payout backstop of a receipt and removes it once the seller is paid.
 */
import { Queue } from 'bullmq';
import type { FollowUps } from '../domain/follow-ups.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { Keys } from '../redis/keys.ts';
import { type JobName, jobCatalog, jobId, type OrderRef, QUEUE_NAME } from './catalog.ts';

export function createOrderQueue(
  connection: RedisClient,
  keys: Keys,
): FollowUps & { queue: Queue<OrderRef>; close(): Promise<void> } {
  const queue = new Queue<OrderRef>(QUEUE_NAME, { connection, prefix: keys.queuePrefix() });
  // Its connection is the shared client, whose own listener logs a connection error once
  // (redis/connect.ts); without a listener here BullMQ prints every one, a flood during an outage.
  queue.on('error', () => {});

  const schedule = async (name: JobName, ref: OrderRef, delayMs: number) => {
    const job = jobCatalog[name];
    await queue.add(name, ref, {
      jobId: jobId(name, ref.orderId),
      delay: Math.max(0, delayMs),
      attempts: job.attempts,
      // Fixed, not exponential: after an outage every follow-up resumes within a second or two.
      backoff: { type: 'fixed', delay: job.backoffMs },
      removeOnComplete: true,
      removeOnFail: 1000,
    });
  };
  /** Best effort: a job left behind finds nothing to do. */
  const unschedule = (name: JobName, orderId: string): Promise<void> =>
    queue.remove(jobId(name, orderId)).then(
      () => {},
      () => {},
    );

  return {
    queue,
    scheduleSettle: (ref: OrderRef) => schedule('settle', ref, jobCatalog.settle.delayMs),
    cancelSettle: (orderId: string) => unschedule('settle', orderId),
    close: () => queue.close(),
  };
}

export type OrderQueue = ReturnType<typeof createOrderQueue>;
