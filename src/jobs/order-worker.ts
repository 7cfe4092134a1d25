/**
 * The BullMQ worker of the "orders" queue. Every job is a follow-up for one order and runs
 * `reconcile`, which is idempotent (delivery is at least once). An expiry that fires before the
 * order's deadline (clock drift) is put back to wait for it.
 */
import { DelayedError, type Job, Worker } from 'bullmq';
import * as v from 'valibot';
import { type ReconcileDeps, reconcile } from '../domain/reconcile.ts';
import type { Logger } from '../log.ts';
import type { RedisConnection } from '../redis/connect.ts';
import { OrderRef, QUEUE_NAME } from './catalog.ts';

/** What the worker uses: reconciling, and a log. */
export type WorkerDeps = ReconcileDeps & { log: Logger };

export interface OrderWorkerOptions {
  /**
   * Awaited before each job runs. The service never sets it; a test does, to hold jobs in flight
   * (so a kill of the process is sure to interrupt running jobs).
   */
  beforeJob?: (job: Job<OrderRef>) => Promise<void>;
}

export function startOrderWorker(
  redis: RedisConnection,
  d: WorkerDeps,
  concurrency = 16,
  options: OrderWorkerOptions = {},
) {
  const worker = new Worker<OrderRef>(
    QUEUE_NAME,
    async (job: Job<OrderRef>, token?: string) => {
      await options.beforeJob?.(job);
      const ref = v.parse(OrderRef, job.data);
      const result = await reconcile(d, ref);
      if (result.status === 'unpaid') {
        const expiresAt = Number(await d.redis.hget(d.keys.order(ref.buyer, ref.orderId), 'expires_at'));
        await job.moveToDelayed(Math.max(expiresAt, d.now() + 100), token);
        throw new DelayedError();
      }
      return result.status;
    },
    {
      // BullMQ's own commands are safe to resend after a reconnect (locks and job states guard them).
      connection: redis.duplicate({ maxRetriesPerRequest: null, autoResendUnfulfilledCommands: true }),
      prefix: d.keys.queuePrefix(),
      concurrency,
      // Jobs are short: a job whose worker died is retried within seconds, not BullMQ's default 30 s.
      lockDuration: 5_000,
      stalledInterval: 2_000,
      maxStalledCount: 10,
    },
  );
  worker.on('failed', (job, error) =>
    d.log.warn('order job failed', { job: job?.id, attempts: job?.attemptsMade, error: error.message }),
  );
  worker.on('error', (error) => d.log.error('order worker error', { error: error.message }));
  return worker;
}
