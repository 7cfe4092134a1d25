/**
 * Boots the service for any runtime: parses the environment, connects to Redis (or starts the
 * embedded one), wires the dependencies, starts the in-process workers unless WORKERS=off, and
 * builds the app. `shutdown` undoes it all in reverse.
 */
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { createDeps } from './deps.ts';
import { type OrderWorkerOptions, startOrderWorker } from './jobs/order-worker.ts';
import { createLogger } from './log.ts';
import { defineScripts } from './lua/load.ts';
import { type Serving, ShutdownSteps } from './process.ts';
import { connectRedis } from './redis/connect.ts';

/**
 * Options of the in-process order worker. The service never sets them; a test's entry does before it
 * imports a server entry (test/support/held-server.ts holds jobs in flight).
 */
export const workerHooks: OrderWorkerOptions = {};

export async function boot(env: Record<string, string | undefined>) {
  const config = loadConfig(env);
  const log = createLogger(config.LOG_LEVEL);
  const redis = await connectRedis(config, (line) => log.info(line), defineScripts);
  const deps = await createDeps(redis.client, config, log);
  const worker = config.WORKERS === 'inline' ? startOrderWorker(redis, deps, 16, workerHooks) : undefined;
  const app = createApp(deps, { logRequests: config.LOG_REQUESTS });
  log.info('service ready', { redis: redis.describe, workers: config.WORKERS });
  const steps = new ShutdownSteps();
  let closing: Promise<void> | undefined;
  /**
   * Undoes the boot once: stops serving (the runtime's `serving`: no new connections, the requests
   * in flight answered) while the order worker finishes its jobs, then closes the actors, the search
   * projection and the queue, then Redis (and the embedded one). `steps` names what is under way.
   */
  const shutdown = (serving?: Serving) => {
    closing ??= (async () => {
      await Promise.all([
        serving &&
          steps.run(
            () => `answering the requests in flight (${serving.inFlight()})`,
            () => serving.stop(),
          ),
        worker &&
          steps.run(
            () => `finishing the order jobs running (${worker.running()})`,
            () => worker.close(),
          ),
      ]);
      await steps.run('closing the actors, search projection and queue', () => deps.close());
      await steps.run('closing the Redis connection', () => redis.close());
    })();
    return closing;
  };
  return { app, config, log, deps, redis, shutdown, steps };
}
