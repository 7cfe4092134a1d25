/**
 * Boots the service for any runtime: parses the environment, connects to Redis (or starts the
 * embedded one), wires the dependencies, starts the in-process workers unless WORKERS=off, and
 * builds the app. `shutdown` undoes it all in reverse.
 */
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { createDeps } from './deps.ts';
import { startOrderWorker } from './jobs/order-worker.ts';
import { createLogger } from './log.ts';
import { defineScripts } from './lua/load.ts';
import { connectRedis } from './redis/connect.ts';

export async function boot(env: Record<string, string | undefined>) {
  const config = loadConfig(env);
  const log = createLogger(config.LOG_LEVEL);
  const redis = await connectRedis(config, (line) => log.info(line), defineScripts);
  const deps = await createDeps(redis.client, config, log);
  const worker = config.WORKERS === 'inline' ? startOrderWorker(redis, deps) : undefined;
  const app = createApp(deps, { logRequests: config.LOG_REQUESTS });
  log.info('service ready', { redis: redis.describe, workers: config.WORKERS });
  let closing: Promise<void> | undefined;
  /** The shutdown step in progress, for the message of a shutdown that hangs. */
  let step = 'not started';
  const shutdown = () => {
    closing ??= (async () => {
      step = 'closing the order worker';
      await worker?.close();
      step = 'closing the actors, search projection and queue';
      await deps.close();
      step = 'closing the Redis connection';
      await redis.close();
      step = 'done';
    })();
    return closing;
  };
  return { app, config, log, deps, redis, shutdown, shutdownStep: () => step };
}
