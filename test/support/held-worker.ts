/**
 * A test-side entry of the order worker process (what workers/index.ts starts, wired the same way)
 * that holds every job it takes until the process is killed: a SIGKILL is then sure to land on
 * running jobs, which the next worker must recover as stalled. It writes `held <job id>` on stdout
 * for each job it holds, and takes up to 1,000 at once so no early job keeps a due one waiting.
 */
import { loadConfig } from '../../src/config.ts';
import { createDeps } from '../../src/deps.ts';
import { startOrderWorker } from '../../src/jobs/order-worker.ts';
import { createLogger } from '../../src/log.ts';
import { connectRedis } from '../../src/redis/connect.ts';

const config = loadConfig(process.env);
const log = createLogger(config.LOG_LEVEL);
const redis = await connectRedis(config, (line) => log.info(line));
const deps = await createDeps(redis.client, config, log);
startOrderWorker(redis, deps, 1000, {
  beforeJob: (job) => {
    process.stdout.write(`held ${job.id}\n`);
    return new Promise<void>(() => {});
  },
});
log.info('order worker running', { redis: redis.describe });
