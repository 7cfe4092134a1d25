/**
 * Test harness: the service's dependencies on the run's real Redis under a key prefix of the test
 * file's own, the app built from them, and a client that speaks to it through `app.request()`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createApp } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { createDeps } from '../../src/deps.ts';
import { startOrderWorker } from '../../src/jobs/order-worker.ts';
import { createLogger } from '../../src/log.ts';
import { defineScripts } from '../../src/lua/load.ts';
import { connectRedis, type RedisClient } from '../../src/redis/connect.ts';
import { type Client, clientFor } from './client.ts';

export const uniquePrefix = () => `t${randomBytes(5).toString('hex')}`;

export const redisEnv = () => inject('redisEnv');

export interface Harness {
  prefix: string;
  deps: Awaited<ReturnType<typeof createDeps>>;
  redis: RedisClient;
  client: Client;
  app: ReturnType<typeof createApp>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  ORDER_TIMEOUT_SECONDS?: number;
  MAILBOX_CAPACITY?: number;
  /** Run the order worker in-process, as the server does by default. */
  worker?: boolean;
  /** Share another harness's key space, as a second server process on the same Redis would. */
  prefix?: string;
  /** The data folder (picture blobs); a temporary one, removed on close, when not given. */
  DATA_DIR?: string;
  /** The wrong-password limits and the bound on Idempotency-Keys: the server's defaults when not given. */
  limits?: Partial<Pick<Config, LimitName>>;
}

type LimitName =
  | 'PASSWORD_GUESS_WINDOW_SECONDS'
  | 'PASSWORD_GUESSES_PER_USER_ADDRESS'
  | 'PASSWORD_GUESSES_PER_USER'
  | 'PASSWORD_GUESSES_PER_ADDRESS'
  | 'IDEMPOTENCY_KEYS_PER_USER'
  | 'PASSWORD_LIMIT_TRUST_MS';

/** The server's defaults of the limits. */
const defaults = loadConfig({});
const defaultLimits: Pick<Config, LimitName> = {
  PASSWORD_GUESS_WINDOW_SECONDS: defaults.PASSWORD_GUESS_WINDOW_SECONDS,
  PASSWORD_GUESSES_PER_USER_ADDRESS: defaults.PASSWORD_GUESSES_PER_USER_ADDRESS,
  PASSWORD_GUESSES_PER_USER: defaults.PASSWORD_GUESSES_PER_USER,
  PASSWORD_GUESSES_PER_ADDRESS: defaults.PASSWORD_GUESSES_PER_ADDRESS,
  IDEMPOTENCY_KEYS_PER_USER: defaults.IDEMPOTENCY_KEYS_PER_USER,
  PASSWORD_LIMIT_TRUST_MS: defaults.PASSWORD_LIMIT_TRUST_MS,
};

/** A client that speaks to an app in-process through `app.request()`. */
export const appClient = (app: {
  request: (path: string, init: RequestInit) => Response | Promise<Response>;
}): Client => clientFor((path, init) => app.request(path, init));

export async function startHarness(overrides: HarnessOptions = {}): Promise<Harness> {
  const prefix = overrides.prefix ?? uniquePrefix();
  const connection = await connectRedis({ ...redisEnv(), DATA_DIR: '' }, () => {}, defineScripts);
  const dataDir = overrides.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'bookstore-data-'));
  const deps = await createDeps(
    connection.client,
    {
      KEY_PREFIX: prefix,
      ORDER_TIMEOUT_SECONDS: overrides.ORDER_TIMEOUT_SECONDS ?? 900,
      TOKEN_TTL_SECONDS: 3600,
      TOKEN_SECRET: undefined,
      MAILBOX_CAPACITY: overrides.MAILBOX_CAPACITY ?? 1000,
      ASK_TIMEOUT_MS: 10_000,
      PASSWORD_CACHE_SECONDS: 60,
      DATA_DIR: dataDir,
      ...defaultLimits,
      ...overrides.limits,
    },
    createLogger('warn'),
  );
  const worker = overrides.worker ? startOrderWorker(connection, deps) : undefined;
  const app = createApp(deps);
  const client = appClient(app);
  return {
    prefix,
    deps,
    redis: connection.client,
    client,
    app,
    async close() {
      await worker?.close();
      await deps.close();
      await connection.close();
      if (!overrides.DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * `count` app instances over the same Redis and key prefix, each built from its own dependencies: its
 * own Redis connection and its own actor system, as separate server processes would be. Two actors
 * for one store or user then run at once, one per instance.
 */
export async function startHarnesses(count: number, overrides: HarnessOptions = {}): Promise<Harness[]> {
  const first = await startHarness(overrides);
  const others = await Promise.all(
    Array.from({ length: count - 1 }, () => startHarness({ ...overrides, prefix: first.prefix })),
  );
  return [first, ...others];
}

export const closeAll = (harnesses: Harness[]) => Promise.all(harnesses.map((h) => h.close()));
