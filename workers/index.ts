/**
 * The order workers as their own process (`npm run worker`), for scaling out: the same follow-ups
 * that run inside the server by default. SIGTERM/SIGINT: stop taking jobs, finish the active ones,
 * close the connections.
 */

import { loadConfig } from '../src/config.ts';
import { createCoreDeps } from '../src/deps.ts';
import { startOrderWorker } from '../src/jobs/order-worker.ts';
import { createLogger } from '../src/log.ts';
import { defineScripts } from '../src/lua/load.ts';
import { exitOnSignals } from '../src/process.ts';
import { connectRedis } from '../src/redis/connect.ts';

try {
  const config = loadConfig(process.env);
  const log = createLogger(config.LOG_LEVEL);
  const redis = await connectRedis(config, (line) => log.info(line), defineScripts);
  // Only what reconciling needs: no search index, no HTTP, no authentication.
  const deps = createCoreDeps(redis.client, config, log);
  const worker = startOrderWorker(redis, deps);
  log.info('order worker running', { redis: redis.describe });
  exitOnSignals(async () => {
    await worker.close();
    deps.actors.stopAll();
    await redis.close();
  });
} catch (error) {
  process.stderr.write(`bookstore worker: ${(error as Error).message}\n`);
  process.exit(1);
}
