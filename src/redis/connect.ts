/**
 * Connects to the store of record: a Redis Cluster (REDIS_CLUSTER_NODES), a single Redis (REDIS_URL)
 * or the embedded default. Every client made here is prepared by the caller (the Lua scripts defined). A Redis that cannot be
 * reached at start is a fatal, explained error.
 */

import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Config } from '../config.ts';
import { coalesceWrites } from './coalesce-writes.ts';
import { commandDeadlines } from './command-deadlines.ts';
import { type EmbeddedRedis, startEmbeddedRedis } from './embedded.ts';
import { guardStalls } from './stall-guard.ts';

export type RedisClient = Redis | Cluster;

export interface RedisConnection {
  /** The shared command client (scripts defined). */
  client: RedisClient;
  /** A new client to the same Redis, e.g. for BullMQ workers (`maxRetriesPerRequest: null`). */
  duplicate(options?: Partial<RedisOptions>): RedisClient;
  describe: string;
  close(): Promise<void>;
}

/**
 * With autoResendUnfulfilledCommands off, ioredis 6 forgets the commands that were in flight when a
 * connection closed without ever settling their promises, so their callers would wait forever.
 * Fail them instead: the outcome is unknown to the caller, and the follow-up jobs settle it.
 */
function failInFlightOnClose(node: Redis): void {
  if (node.options.autoResendUnfulfilledCommands) return;
  node.on('close', () => {
    // ioredis keeps the commands in flight in a private field of the client.
    const queue: { toArray(): { command: { reject(e: Error): void } }[] } | undefined = Reflect.get(
      node,
      'commandQueue',
    );
    for (const item of queue?.toArray() ?? []) {
      item.command.reject(new Error('connection to Redis lost while the command ran; outcome unknown'));
    }
  });
}

type RedisConfig = Pick<Config, 'REDIS_URL' | 'REDIS_CLUSTER_NODES' | 'DATA_DIR'> &
  Partial<Pick<Config, 'REDIS_COALESCE_WRITES' | 'REDIS_COMMAND_TIMEOUT_MS' | 'ASK_TIMEOUT_MS'>>;

/** How long Redis may leave a PING unanswered before it counts as stalled (stall-guard.ts). */
const STALL_MS = 1_000;

/** A lost connection is tried again every 50, 100, … ms, then every 500 ms: back soon after Redis is. */
const reconnectDelay = (attempt: number) => Math.min(attempt * 50, 500);

/**
 * The shared command client fails fast while Redis is away, so a request answers 503 within its
 * deadline instead of waiting for ioredis's retries (about 75 s by its defaults): no offline queue
 * (a command sent while disconnected fails at once, unsent) and a deadline on every command (a paused
 * or stuck Redis). The deadline is half the ask deadline unless REDIS_COMMAND_TIMEOUT_MS says: a
 * request's steps that ran before the outage leave it the other half. (On a Cluster the offline
 * queue stays, a node's failover needs it; the deadline covers it.) A single Redis that stops
 * answering with its connection open is noticed by redis/stall-guard.ts.
 */
function commandTimeoutOf(config: RedisConfig): number | undefined {
  return (
    config.REDIS_COMMAND_TIMEOUT_MS ??
    (config.ASK_TIMEOUT_MS === undefined ? undefined : Math.ceil(config.ASK_TIMEOUT_MS / 2))
  );
}

interface Target {
  make: (options?: Partial<RedisOptions>) => RedisClient;
  describe: string;
  embedded?: EmbeddedRedis;
}

/** Where the configuration points: a cluster, a URL, or the embedded Redis (started here). */
async function targetOf(config: RedisConfig, log: (line: string) => void): Promise<Target> {
  if (config.REDIS_CLUSTER_NODES) {
    const nodes = config.REDIS_CLUSTER_NODES.split(',').map((node) => {
      const at = node.lastIndexOf(':');
      return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
    });
    return {
      make: (options) => new Cluster(nodes, { redisOptions: { ...options } }),
      describe: `Redis Cluster ${config.REDIS_CLUSTER_NODES}`,
    };
  }
  if (config.REDIS_URL) {
    const url = config.REDIS_URL;
    return {
      make: (options) => new Redis(url, { ...options }),
      describe: `Redis ${new URL(url).host || new URL(url).pathname}`,
    };
  }
  const embedded = await startEmbeddedRedis(config.DATA_DIR, log);
  const path = embedded.socket;
  return {
    make: (options) => new Redis({ path, ...options }),
    describe: `embedded Redis on ${path}`,
    embedded,
  };
}

/** Resolves once the client is connected; without an offline queue, nothing can be sent before. */
const ready = (client: RedisClient) =>
  client.status === 'ready'
    ? Promise.resolve()
    : new Promise<void>((resolve) => client.once('ready', resolve));

/** Resolves once the client answers a PING; rejects with the last connection error after 10 s. */
async function reachable(client: RedisClient, lastError: () => string): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      ready(client).then(() => client.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(lastError() || 'no answer in 10 s')), 10_000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `prepare` runs on every client made (the service passes lua/load.ts `defineScripts`, so every
 * client can run the scripts).
 */
export async function connectRedis(
  config: RedisConfig,
  log: (line: string) => void,
  prepare: (client: RedisClient) => void,
): Promise<RedisConnection> {
  const { make, describe, embedded } = await targetOf(config, log);
  const duplicate = (options?: Partial<RedisOptions>) => {
    // Never resend a command after a reconnect: a script that ran before the connection dropped
    // would run twice (a top-up applied twice). Its caller sees an error instead, an unknown outcome
    // that the follow-up jobs and Idempotency-Key retries settle.
    const client = make({ autoResendUnfulfilledCommands: false, retryStrategy: reconnectDelay, ...options });
    if (client instanceof Cluster) client.on('+node', (node: Redis) => failInFlightOnClose(node));
    else failInFlightOnClose(client);
    prepare(client);
    return client;
  };
  const commandTimeout = commandTimeoutOf(config);
  // One Redis: the deadline per command is redis/command-deadlines.ts's; a Cluster: ioredis's own.
  const client = duplicate(config.REDIS_CLUSTER_NODES ? { commandTimeout } : { enableOfflineQueue: false });
  const deadlines =
    client instanceof Redis && commandTimeout !== undefined
      ? commandDeadlines(client, commandTimeout)
      : undefined;
  const stalls =
    client instanceof Redis && commandTimeout !== undefined
      ? guardStalls(client, Math.min(STALL_MS, commandTimeout))
      : undefined;
  if (config.REDIS_COALESCE_WRITES === 'on') {
    if (client instanceof Cluster) client.on('+node', (node: Redis) => coalesceWrites(node));
    else coalesceWrites(client);
  }
  // One line when the connection fails and one when it is back: an outage must not flood the log.
  let lastError = '';
  client.on('error', (error: Error) => {
    if (error.message !== lastError) log(`redis: ${error.message}`);
    lastError = error.message;
  });
  client.on('ready', () => {
    if (lastError) log('redis: connected again');
    lastError = '';
  });
  try {
    await reachable(client, () => lastError);
  } catch (error) {
    stalls?.stop();
    deadlines?.stop();
    client.disconnect();
    await embedded?.stop();
    throw new Error(`cannot reach ${describe}: ${(error as Error).message}`);
  }
  return {
    client,
    duplicate,
    describe,
    async close() {
      stalls?.stop();
      deadlines?.stop();
      await client.quit().catch(() => client.disconnect());
      await embedded?.stop();
    },
  };
}
