/**
 * What the crash tests check once the chaos stopped: the invariants of src/domain/invariants.ts (the
 * very checks `npm run check` runs in production), polled until they hold; the queue watched for
 * stalled jobs; and, for a failure message, the stored state behind each broken invariant.
 */
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { expect } from 'vitest';
import { checkInvariants, type Finding, type InvariantReport } from '../../src/domain/invariants.ts';
import { jobId, QUEUE_NAME } from '../../src/jobs/catalog.ts';
import type { Keys } from '../../src/redis/keys.ts';
import { defer, sleep, TIMEOUT_SECONDS } from './crash-env.ts';
import type { Load } from './crash-load.ts';
import type { RedisProcess } from './redis-process.ts';

/**
 * How long the store may take to converge once the load stopped and every deadline passed: settle
 * jobs wait 2 s, a killed worker's job locks last 5 s and the stalled check runs every 2 s
 * (src/jobs/catalog.ts, src/jobs/order-worker.ts), with room for a loaded machine.
 */
const CONVERGE_MS = 15_000;

/**
 * Waits past every payment deadline, then checks the invariants (no grace: every deadline is over)
 * until they hold or CONVERGE_MS passed. Returns the last report and the wait.
 */
export async function converge(redis: Redis, keys: Keys) {
  const deadlinesOver = TIMEOUT_SECONDS * 1000 + 500;
  await sleep(deadlinesOver);
  const started = Date.now();
  for (;;) {
    const report = await checkInvariants(redis, keys, Date.now(), 0, TIMEOUT_SECONDS * 1000);
    if (report.problems.length === 0 || Date.now() - started > CONVERGE_MS)
      return { report, waitedMs: Date.now() - started + deadlinesOver };
    await sleep(500);
  }
}

/** The queue's job counts and the jobs recovered as stalled, for the assertions and the report. */
export function watchQueue(redis: RedisProcess, keys: Keys) {
  const connection = { path: redis.socket };
  const queue = new Queue(QUEUE_NAME, { connection, prefix: keys.queuePrefix() });
  // From the stream's start (it is this test's own), so no event is missed however late it is read.
  const events = new QueueEvents(QUEUE_NAME, {
    connection: { ...connection, maxRetriesPerRequest: null },
    prefix: keys.queuePrefix(),
    lastEventId: '0',
  });
  queue.on('error', () => {});
  events.on('error', () => {});
  const stalled: string[] = [];
  events.on('stalled', ({ jobId }) => stalled.push(jobId));
  const close = async () => {
    await Promise.allSettled([events.close(), queue.close()]);
  };
  defer(close);
  return {
    queue,
    /** The ids of the jobs a worker found stalled (a dead worker's) and put back to wait. */
    stalled: () => new Set(stalled),
    counts: () => queue.getJobCounts('active', 'wait', 'delayed', 'failed', 'completed'),
    close,
  };
}

/**
 * For a failure message: the stored state behind each order a finding names (order hash, its
 * reservation, the seller's payout ledger, its settle job, its entry in the sweep's list) and what the load did to it.
 */
async function diagnose(
  redis: Redis,
  keys: Keys,
  queue: Queue,
  findings: Finding[],
  load: Load,
): Promise<string> {
  const lines: string[] = [`events: ${load.events()}`];
  for (const finding of findings) {
    const { orderId, buyer } = finding;
    if (orderId === undefined) continue;
    const order = buyer === undefined ? {} : await redis.hgetall(keys.order(buyer, orderId));
    const store = finding.store ?? order.store;
    const resv = store === undefined ? {} : await redis.hgetall(keys.reservation(store, orderId));
    const credited = order.seller ? await redis.sismember(keys.payouts(order.seller), orderId) : undefined;
    const settle = await queue.getJobState(jobId('settle', orderId));
    const due = store === undefined ? null : await redis.zscore(keys.due(store), orderId);
    const { items: _items, ...orderFields } = order;
    const { items: _resvItems, ...resvFields } = resv;
    lines.push(
      `${finding.message}\n    order ${JSON.stringify(orderFields)}\n    reservation ${JSON.stringify(resvFields)}` +
        `\n    credited ${credited}; settle job: ${settle}; deadline in the sweep's list: ${due}\n    load: ${(load.trace.get(orderId) ?? []).join('; ')}`,
    );
  }
  return lines.join('\n  ');
}

/**
 * How every crash test ends: no broken invariant (the message shows the stored state behind each
 * finding), the check read the world (an empty scan would pass every sum), and the load really
 * placed, paid and settled orders around the kills.
 */
export async function expectConverged(
  check: Redis,
  keys: Keys,
  queue: Queue,
  run: { report: InvariantReport; load: Load; seed: number },
) {
  const { report, load, seed } = run;
  const why = report.problems.length ? await diagnose(check, keys, queue, report.findings, load) : '';
  expect(report.problems, `seed ${seed}: ${load.summary()}\n  ${why}`).toEqual([]);
  expect(report.orders).toBeGreaterThan(0);
  expect(report.money.deposited).toBeGreaterThan(0);
  expect(load.ok('new_order')).toBeGreaterThan(0);
  expect(load.ok('pay')).toBeGreaterThan(0);
  expect(load.ok('confirm')).toBeGreaterThan(0);
}
