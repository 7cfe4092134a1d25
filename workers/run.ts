/**
 * Runs the order workers as a process of their own: connects (or starts the embedded Redis), builds
 * only what reconciling needs (keys, scripts, actors: no search index, no HTTP, no authentication),
 * starts the worker, and on SIGTERM/SIGINT stops taking jobs, finishes the active ones and closes.
 */
import { loadConfig } from '../src/config.ts';
import { createCoreDeps } from '../src/deps.ts';
import { type OrderWorkerOptions, startOrderWorker } from '../src/jobs/order-worker.ts';
import { createLogger } from '../src/log.ts';
import { defineScripts } from '../src/lua/load.ts';
import { exitOnSignals, ShutdownSteps } from '../src/process.ts';
import { connectRedis } from '../src/redis/connect.ts';

export async function runWorkerProcess(
  env: Record<string, string | undefined>,
  options: OrderWorkerOptions & { concurrency?: number } = {},
): Promise<void> {
  const config = loadConfig(env);
  const log = createLogger(config.LOG_LEVEL);
  const redis = await connectRedis(config, (line) => log.info(line), defineScripts);
  const deps = createCoreDeps(redis.client, config, log);
  const worker = startOrderWorker(redis, deps, options.concurrency, options);
  log.info('order worker running', { redis: redis.describe });
  const steps = new ShutdownSteps();
  exitOnSignals(
    async () => {
      await steps.run(
        () => `finishing the order jobs running (${worker.running()})`,
        () => worker.close(),
      );
      deps.actors.stopAll();
      await steps.run('closing the Redis connection', () => redis.close());
    },
    config.SHUTDOWN_GRACE_MS,
    steps,
  );
}
