/**
 * The expiry of unpaid orders, by sweep (DESIGN.md §4, cost budget). The reserve script records each
 * order's payment deadline in its store's slot (`due`), atomically with the reservation, so the
 * intent survives any crash after it. Stores are spread over SWEEP_SHARDS shards; a BullMQ job
 * scheduler per shard (jobs/queue.ts) runs `sweepShard` every SWEEP_EVERY_MS, which reconciles each
 * order whose deadline has come: cancelled if still unpaid and its stock returned once (the release
 * drops the deadline), or, paid meanwhile, just its deadline dropped. A payment drops its order's
 * deadline at once, in the background (`DeadlineDrops`), so the sweep seldom meets a paid order.
 */
import { scanKeys } from '../redis/scan.ts';
import { inParallel } from './in-parallel.ts';
import { type ReconcileDeps, reconcile } from './reconcile.ts';

export const SWEEP_SHARDS = 8;
/**
 * Each sweep is a BullMQ job: about 2 ms of the worker's CPU even when nothing is due. At 500 ms the
 * eight shards made 16 jobs a second, 3 % of a core of an idle server; at 1 s, half that, and a
 * cancellation still comes within about a second of its deadline (the issue allows 2 s at p99).
 */
export const SWEEP_EVERY_MS = 1000;
/** Orders reconciled at once by one sweep; due orders per store taken per pass. */
const PARALLEL = 32;
const PER_STORE = 1000;

/** The shard of a store: FNV-1a of its id. */
export function shardOf(store: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < store.length; i++) {
    hash ^= store.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % SWEEP_SHARDS;
}

type SweepDeps = Pick<ReconcileDeps, 'redis' | 'keys'>;

/** Puts a store on its shard's list (idempotent; written before the store itself, as intent). */
export async function registerStore(d: SweepDeps, store: string): Promise<void> {
  await d.redis.sadd(d.keys.sweepStores(shardOf(store)), store);
}

/** Puts every existing store on its shard's list: for data written before the sweep existed. */
export async function registerAllStores(d: SweepDeps): Promise<number> {
  const stores = (await scanKeys(d.redis, d.keys.patterns.stores))
    .map((key) => d.keys.parseStoreKey(key))
    .filter((store): store is string => store !== undefined);
  await Promise.all(stores.map((store) => registerStore(d, store)));
  return stores.length;
}

/** Reconciles every order of one store whose deadline is at or before `now`; counts expiries. */
async function sweepStore(d: ReconcileDeps, store: string, now: number): Promise<number> {
  const due = d.keys.due(store);
  const ids = await d.redis.zrangebyscore(due, '-inf', now, 'LIMIT', 0, PER_STORE);
  let cancelled = 0;
  await inParallel(ids, PARALLEL, async (orderId) => {
    const buyer = await d.redis.hget(d.keys.reservation(store, orderId), 'buyer');
    if (buyer === null) {
      await d.redis.zrem(due, orderId);
      return;
    }
    const result = await reconcile(d, { orderId, buyer, store });
    if (result.expiredNow) cancelled++;
    // Cancelled or never created: the release dropped the deadline. Paid (or further): drop it here.
    if (result.status !== 'unpaid' && result.status !== 'cancelled' && result.status !== 'void') {
      await d.redis.zrem(due, orderId);
    }
  });
  return cancelled;
}

/** Sweeps one shard's stores once; returns how many orders this sweep cancelled. */
export async function sweepShard(d: ReconcileDeps, shard: number, now = d.now()): Promise<number> {
  const stores = await d.redis.smembers(d.keys.sweepStores(shard));
  let cancelled = 0;
  await inParallel(stores, PARALLEL, async (store) => {
    cancelled += await sweepStore(d, store, now);
  });
  return cancelled;
}

/** Sweeps every shard once (the auto-cancel endpoint); returns how many orders it cancelled. */
export async function sweepAll(d: ReconcileDeps, now = d.now()): Promise<number> {
  const counts = await Promise.all(
    Array.from({ length: SWEEP_SHARDS }, (_, shard) => sweepShard(d, shard, now)),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/**
 * Drops paid orders' deadlines from their stores' `due` sets in the background, in batches (one
 * ZREM per store every FLUSH_MS), off the payment's path. A drop lost to a crash costs only a
 * sweep's look at a paid order at its deadline.
 */
export class DeadlineDrops {
  private pending = new Map<string, string[]>();
  private readonly timer: NodeJS.Timeout;
  static readonly FLUSH_MS = 50;

  constructor(private readonly d: SweepDeps) {
    this.timer = setInterval(() => void this.flush(), DeadlineDrops.FLUSH_MS);
    this.timer.unref();
  }

  drop(store: string, orderId: string): void {
    const ids = this.pending.get(store);
    if (ids) ids.push(orderId);
    else this.pending.set(store, [orderId]);
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    await Promise.all(
      [...batch].map(([store, ids]) => this.d.redis.zrem(this.d.keys.due(store), ...ids).catch(() => 0)),
    );
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
