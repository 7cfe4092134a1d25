/**
 * Wires the domain's dependencies from a Redis connection and the configuration.
 */
import { Cluster, type RedisOptions } from 'ioredis';
import { createActorSystem } from './actors/system.ts';
import { createGuard } from './auth/guard.ts';
import { createGuessLimiter } from './auth/guesses.ts';
import { VerificationCache } from './auth/passwords.ts';
import { loadTokenSecret, TokenSigner } from './auth/tokens.ts';
import { BlobStore } from './catalogue/blobs.ts';
import type { Config } from './config.ts';
import type { Deps, Logger } from './domain/deps.ts';
import { DeadlineDrops } from './domain/expiry.ts';
import { createOrderQueue } from './jobs/queue.ts';
import { scriptCalls } from './lua/scripts.ts';
import type { RedisClient } from './redis/connect.ts';
import { keySpace } from './redis/keys.ts';
import { createProjection } from './search/projection.ts';

export type DepsConfig = Pick<
  Config,
  | 'KEY_PREFIX'
  | 'ORDER_TIMEOUT_SECONDS'
  | 'TOKEN_TTL_SECONDS'
  | 'TOKEN_SECRET'
  | 'MAILBOX_CAPACITY'
  | 'ASK_TIMEOUT_MS'
  | 'PASSWORD_CACHE_SECONDS'
  | 'DATA_DIR'
  | 'PASSWORD_GUESS_WINDOW_SECONDS'
  | 'PASSWORD_GUESSES_PER_USER_ADDRESS'
  | 'PASSWORD_GUESSES_PER_USER'
  | 'PASSWORD_GUESSES_PER_ADDRESS'
  | 'IDEMPOTENCY_KEYS_PER_USER'
  | 'PASSWORD_LIMIT_TRUST_MS'
  | 'ADMIN_TOKEN'
>;

export type CoreConfig = Pick<Config, 'KEY_PREFIX' | 'MAILBOX_CAPACITY' | 'ASK_TIMEOUT_MS'>;

/** What the order workers use: keys, scripts and actors over Redis; no HTTP, search or auth. */
export function createCoreDeps(redis: RedisClient, config: CoreConfig, log: Logger) {
  const keys = keySpace(config.KEY_PREFIX);
  const actors = createActorSystem(redis, {
    capacity: config.MAILBOX_CAPACITY,
    timeoutMs: config.ASK_TIMEOUT_MS,
  });
  return { redis, keys, scripts: scriptCalls(keys), actors, log, now: () => Date.now() };
}

/**
 * Blocking stream reads need a connection of their own. Unlike the shared client it waits out an
 * outage: no deadline on the blocking read, reads kept while disconnected and resent after a
 * reconnect (a read is safe to repeat), its errors left to the shared client's log. (The narrowing is
 * for the type checker: the two classes' `duplicate` signatures differ, so the union's cannot be called.)
 */
function tailConnection(redis: RedisClient): RedisClient {
  const patient: Partial<RedisOptions> = {
    commandTimeout: undefined,
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
    autoResendUnfulfilledCommands: true,
  };
  const tail: RedisClient =
    redis instanceof Cluster
      ? redis.duplicate(undefined, { redisOptions: patient })
      : redis.duplicate(patient);
  tail.on('error', () => {});
  return tail;
}

export async function createDeps(
  redis: RedisClient,
  config: DepsConfig,
  log: Logger,
): Promise<Deps & { close(): Promise<void> }> {
  const core = createCoreDeps(redis, config, log);
  const { keys, actors } = core;
  const tokens = new TokenSigner(
    await loadTokenSecret(redis, keys, config.TOKEN_SECRET),
    config.TOKEN_TTL_SECONDS * 1000,
  );
  const cache = new VerificationCache(config.PASSWORD_CACHE_SECONDS * 1000);
  const queue = createOrderQueue(redis, keys);
  const deadlines = new DeadlineDrops(core);
  const tail = tailConnection(redis);
  const catalogue = createProjection(redis, tail, keys, log, config.DATA_DIR);
  let closed = false;
  // The rebuild runs in the background: every other endpoint serves at once; searches wait for it.
  catalogue
    .start()
    .then((built) => log.info('search index built', built))
    .catch((error: Error) => {
      if (!closed) log.error('search index rebuild failed', { error: error.message });
    });
  const guesses = createGuessLimiter({
    redis,
    scripts: core.scripts,
    now: core.now,
    trustMs: config.PASSWORD_LIMIT_TRUST_MS,
    limits: {
      windowMs: config.PASSWORD_GUESS_WINDOW_SECONDS * 1000,
      perUserAddress: config.PASSWORD_GUESSES_PER_USER_ADDRESS,
      perUser: config.PASSWORD_GUESSES_PER_USER,
      perAddress: config.PASSWORD_GUESSES_PER_ADDRESS,
    },
  });
  const guard = createGuard({ redis, keys, scripts: core.scripts, tokens, cache, guesses, now: core.now });
  return {
    ...core,
    config,
    guard,
    tokens,
    cache,
    queue,
    ordersQueue: queue.queue,
    deadlines,
    catalogue,
    blobs: new BlobStore(config.DATA_DIR),
    async close() {
      closed = true;
      actors.stopAll();
      catalogue.stop();
      await deadlines.close();
      await queue.close();
    },
  };
}
