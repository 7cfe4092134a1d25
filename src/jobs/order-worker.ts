/**
 * The BullMQ worker of the "orders" queue. A sweep job (one job scheduler per shard, upserted here
 * at start) expires the shard's due orders (domain/expiry.ts). Every other job is a follow-up for
 * one order and runs `reconcile`, which is idempotent (delivery is at least once); an expiry that
 * fires before the order's deadline (clock drift) is put back to wait for it. `close` stops taking
 * jobs and finishes the ones running (see closeWorker for why it does not wait on BullMQ alone).
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

/**
 * One job scheduler per shard: a sweep job every SWEEP_EVERY_MS (upserting is idempotent). Their
 * slots are spread over the interval (shard k at k+1 eighths of it): all at once, the shards' sweeps
 * made a burst of work in the server at every tick, which showed in the tail latency of requests.
 */
async function scheduleSweeps(queue: Queue) {
  for (let shard = 0; shard < SWEEP_SHARDS; shard++) {
    await queue.upsertJobScheduler(
      sweepSchedulerId(shard),
      { every: SWEEP_EVERY_MS, offset: ((shard + 1) * SWEEP_EVERY_MS) / SWEEP_SHARDS },
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

/** The jobs running in this process, and a wait for the moment none does. */
function jobsRunning() {
  let count = 0;
  const whenNone: (() => void)[] = [];
  return {
    get count() {
      return count;
    },
    async run<T>(job: () => Promise<T>): Promise<T> {
      count++;
      try {
        return await job();
      } finally {
        if (--count === 0) for (const resolve of whenNone.splice(0)) resolve();
      }
    },
    none: () => (count === 0 ? Promise.resolve() : new Promise<void>((resolve) => whenNone.push(resolve))),
  };
}

/** How long no job may run before a close that has not returned is taken as stuck on its connection. */
const SETTLE_MS = 1000;

const settles = (work: Promise<unknown>, ms: number) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    work.then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]).finally(() => clearTimeout(timer));
};

/**
 * Stops the worker taking jobs and waits for the jobs it runs. BullMQ's `close()` alone can hang
 * forever after its jobs are done: it disconnects its blocking connection and waits for that
 * connection's 'end' event, which ioredis never emits for a connection that is between reconnect
 * attempts (status `reconnecting`: `disconnect()` then only cancels the retry timer). That is the
 * state of the connection whenever Redis is gone, and for 50-500 ms after Redis dropped it (BullMQ
 * issues 4656 and 4065); a SIGTERM then left the process waiting until killed (the Deno server in
 * CI that did not finish its shutdown within 60 s, before a grace period bounded it). So the close is
 * awaited while jobs run, and given SETTLE_MS once none runs (a job fetched meanwhile starts within
 * it on a live Redis); past that the worker is left behind (it holds no job and no socket).
 */
async function closeWorker(worker: Worker, jobs: ReturnType<typeof jobsRunning>): Promise<void> {
  const closed = worker.close().then(
    () => true,
    () => true,
  );
  for (;;) {
    if (await Promise.race([closed, jobs.none().then(() => false)])) return;
    if (await settles(closed, SETTLE_MS)) return;
    if (jobs.count === 0) return;
  }
}

export function startOrderWorker(
  redis: RedisConnection,
  d: WorkerDeps,
  concurrency = 16,
  options: OrderWorkerOptions = {},
): { close(): Promise<void>; running(): number } {
  const prefix = d.keys.queuePrefix();
  const jobs = jobsRunning();
  // BullMQ's own commands are safe to resend after a reconnect (locks and job states guard them).
  const connection = redis.duplicate({ maxRetriesPerRequest: null, autoResendUnfulfilledCommands: true });
  const worker = new Worker(
    QUEUE_NAME,
    (job: Job, token?: string) =>
      jobs.run(async () => {
        await options.beforeJob?.(job);
        return runJob(d, job, token);
      }),
    {
      connection,
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
  // Once closing, errors are those of the connections going away.
  let lastError = '';
  let closing = false;
  worker.on('error', (error) => {
    if (error.message !== lastError && !closing) d.log.error('order worker error', { error: error.message });
    lastError = error.message;
  });
  const queue = new Queue(QUEUE_NAME, { connection: redis.client, prefix });
  queue.on('error', () => {}); // the shared client's errors, logged once by redis/connect.ts
  const started = Promise.all([scheduleSweeps(queue), registerAllStores(d)]).catch((error: Error) =>
    d.log.error('order sweep setup failed', { error: error.message }),
  );
  return {
    running: () => jobs.count,
    async close() {
      closing = true;
      await started;
      await closeWorker(worker, jobs);
      await queue.close();
      // BullMQ never closes a connection it was handed.
      connection.disconnect();
    },
  };
}
