/**
 * The producer side of the "orders" queue (BullMQ, with its own hash-tagged prefix): schedules an
 * order's expiry at its payment deadline, removes it once paid or cancelled, and lists expiries that
 * are due (for the auto-cancel endpoint).
 */
import { Queue } from 'bullmq';
import type { RedisClient } from '../redis/connect.ts';
import type { Keys } from '../redis/keys.ts';
import { jobCatalog, jobId, type OrderRef, QUEUE_NAME } from './catalog.ts';

export function createOrderQueue(connection: RedisClient, keys: Keys) {
  const queue = new Queue<OrderRef>(QUEUE_NAME, { connection, prefix: keys.queuePrefix() });
  const expire = jobCatalog.expire;

  return {
    queue,
    async scheduleExpiry(ref: OrderRef, delayMs: number): Promise<void> {
      await queue.add('expire', ref, {
        jobId: jobId('expire', ref.orderId),
        delay: Math.max(0, delayMs),
        attempts: expire.attempts,
        backoff: { type: 'exponential', delay: expire.backoffMs },
        removeOnComplete: true,
        removeOnFail: 1000,
      });
    },
    /** Best effort: a job left behind finds nothing to do. */
    cancelExpiry(orderId: string): void {
      queue.remove(jobId('expire', orderId)).catch(() => {});
    },
    /** Expiry jobs whose time has come, oldest first (at most `limit`). */
    async dueExpiries(now: number, limit: number): Promise<{ ref: OrderRef; remove(): Promise<unknown> }[]> {
      const jobs = await queue.getJobs(['delayed', 'wait', 'prioritized'], 0, limit - 1, true);
      return jobs
        .filter((job) => job?.name === 'expire' && job.timestamp + (job.opts.delay ?? 0) <= now)
        .map((job) => ({ ref: job.data, remove: () => job.remove().catch(() => undefined) }));
    },
    close: () => queue.close(),
  };
}

export type OrderQueue = ReturnType<typeof createOrderQueue>;
