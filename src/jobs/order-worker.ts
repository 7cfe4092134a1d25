/**
 * The BullMQ worker of the "orders" queue. A sweep job (one job scheduler per shard, upserted here
 * at start) expires the shard's due orders (domain/expiry.ts). Every other job is a follow-up for
 * one order and runs `reconcile`, which is idempotent (delivery is at least once); an expiry that
 * fires before the order's deadline (clock drift) is put back to wait for it.
 */
import { DelayedError, type Job, Queue, Worker } from 'bullmq';
import * as v from 'valibot';
import { registerAllStores, SWEEP_EVERY_MS, SWEEP_SHARDS, sweepShard } from '../domain/expiry.ts';
import { type ReconcileDeps, reconcile } from '../domain/reconcile.ts';
import type { Logger } from '../log.ts';
import type { RedisConnection } from '../redis/connect.ts';
import { OrderRef, QUEUE_NAME, SWEEP_JOB, SweepShard, sweepSchedulerId } from './catalog.ts';

/** What the worker uses: reconciling, and a log. */
export type WorkerDeps = ReconcileDeps & { log: Logger };

export interface OrderWorkerOptions {
  /**
   * Awaited before each job runs. The service never sets it; a test does, to hold jobs in flight
   * (so a kill of the process is sure to interrupt running jobs).
   */
  beforeJob?: (job: Job) => Promise<void>;
}

/** One job scheduler per shard: a sweep job every SWEEP_EVERY_MS (upserting is idempotent). */
async function scheduleSweeps(queue: Queue) {
  for (let shard = 0; shard < SWEEP_SHARDS; shard++) {
    await queue.upsertJobScheduler(
      sweepSchedulerId(shard),
      { every: SWEEP_EVERY_MS },
      { name: SWEEP_JOB, data: { shard }, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
  }
}

async function runJob(d: WorkerDeps, job: Job, token?: string) {
  if (job.name === SWEEP_JOB) return sweepShard(d, v.parse(SweepShard, job.data).shard);
  const ref = v.parse(OrderRef, job.data);
  const result = await reconcile(d, ref);
  if (result.status === 'unpaid') {
    const expiresAt = Number(await d.redis.hget(d.keys.order(ref.buyer, ref.orderId), 'expires_at'));
    await job.moveToDelayed(Math.max(expiresAt, d.now() + 100), token);
    throw new DelayedError();
  }
  return result.status;
}

export function startOrderWorker(
  redis: RedisConnection,
  d: WorkerDeps,
  concurrency = 16,
  options: OrderWorkerOptions = {},
): { close(): Promise<void> } {
  const prefix = d.keys.queuePrefix();
  const worker = new Worker(
    QUEUE_NAME,
    async (job: Job, token?: string) => {
      await options.beforeJob?.(job);
      return runJob(d, job, token);
    },
    {
      // BullMQ's own commands are safe to resend after a reconnect (locks and job states guard them).
      connection: redis.duplicate({ maxRetriesPerRequest: null, autoResendUnfulfilledCommands: true }),
      prefix,
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
  // A Redis outage repeats the same error on every reconnect attempt: logged once until it changes.
  let lastError = '';
  worker.on('error', (error) => {
    if (error.message !== lastError) d.log.error('order worker error', { error: error.message });
    lastError = error.message;
  });
  const queue = new Queue(QUEUE_NAME, { connection: redis.client, prefix });
  queue.on('error', () => {}); // the shared client's errors, logged once by redis/connect.ts
  const started = Promise.all([scheduleSweeps(queue), registerAllStores(d)]).catch((error: Error) =>
    d.log.error('order sweep setup failed', { error: error.message }),
  );
  return {
    async close() {
      await started;
      await worker.close();
      await queue.close();
    },
  };
}
