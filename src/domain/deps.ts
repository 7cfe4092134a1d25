/**
 * What the domain functions need, built once by `createDeps` at boot (or by a test).
 */
import type { ActorSystem } from '../actors/system.ts';
import type { Guard } from '../auth/guard.ts';
import type { VerificationCache } from '../auth/passwords.ts';
import type { TokenSigner } from '../auth/tokens.ts';
import type { Config } from '../config.ts';
import type { OrderQueue } from '../jobs/queue.ts';
import type { ScriptCalls } from '../lua/scripts.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { Keys } from '../redis/keys.ts';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface Deps {
  config: Pick<Config, 'ORDER_TIMEOUT_SECONDS' | 'TOKEN_TTL_SECONDS'>;
  redis: RedisClient;
  keys: Keys;
  scripts: ScriptCalls;
  actors: ActorSystem;
  guard: Guard;
  tokens: TokenSigner;
  cache: VerificationCache;
  queue: OrderQueue;
  log: Logger;
  now: () => number;
}
