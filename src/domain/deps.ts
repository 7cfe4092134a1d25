/**
 * What the domain functions need, built once by `createDeps` at boot (or by a test).
 */
import type { Queue } from 'bullmq';
import type { ActorSystem } from '../actors/system.ts';
import type { Guard } from '../auth/guard.ts';
import type { VerificationCache } from '../auth/passwords.ts';
import type { TokenSigner } from '../auth/tokens.ts';
import type { BlobStore } from '../catalogue/blobs.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { ScriptCalls } from '../lua/scripts.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { Keys } from '../redis/keys.ts';
import type { Projection } from '../search/projection.ts';
import type { FollowUps } from './follow-ups.ts';

export type { Logger };

export interface Deps {
  config: Pick<
    Config,
    'ORDER_TIMEOUT_SECONDS' | 'TOKEN_TTL_SECONDS' | 'IDEMPOTENCY_KEYS_PER_USER' | 'ADMIN_TOKEN'
  >;
  redis: RedisClient;
  keys: Keys;
  scripts: ScriptCalls;
  actors: ActorSystem;
  guard: Guard;
  tokens: TokenSigner;
  cache: VerificationCache;
  queue: FollowUps;
  /** the "orders" BullMQ queue itself, for the dashboard (routes/admin-queues.ts) */
  ordersQueue: Queue;
  /** drops paid orders' payment deadlines in the background (expiry.ts) */
  deadlines: { drop(store: string, orderId: string): void };
  /** the search index of this process, kept current with the books in Redis */
  catalogue: Projection;
  /** book pictures, by content hash */
  blobs: BlobStore;
  log: Logger;
  now: () => number;
}
