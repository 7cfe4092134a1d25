/**
 * The order workers as their own process (`npm run worker`), for scaling out: the same follow-ups
 * that run inside the server by default. SIGTERM/SIGINT: stop taking jobs, finish the active ones,
 * close the connections.
 */

import { loadConfig } from '../src/config.ts';
import { createDeps } from '../src/deps.ts';
import { startOrderWorker } from '../src/jobs/order-worker.ts';
import { createLogger } from '../src/log.ts';
import { exitOnSignals } from '../src/process.ts';
import { connectRedis } from '../src/redis/connect.ts';

try {
  const config = loadConfig(process.env);
  const log = createLogger(config.LOG_LEVEL);
  const redis = await connectRedis(config, (line) => log.info(line));
  const deps = await createDeps(redis.client, config, log);
  const worker = startOrderWorker(redis, deps);
  log.info('order worker running', { redis: redis.describe });
  exitOnSignals(async () => {
    await worker.close();
    await deps.close();
    await redis.close();
  });
} catch (error) {
  process.stderr.write(`bookstore worker: ${(error as Error).message}\n`);
  process.exit(1);
}
