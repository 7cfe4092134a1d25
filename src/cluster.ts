/**
 * `WEB_CONCURRENCY` server processes on Node sharing one port (node:cluster: the primary accepts and
 * hands connections to its workers in turn). The primary serves nothing itself: it starts the
 * embedded Redis when the configuration uses it (so the processes share one, and it is stopped once),
 * forks the processes, runs the inline order workers in the first of them only (WORKERS as
 * configured, `off` in the others), forks again a process that dies, and on SIGTERM/SIGINT stops them
 * all before it exits. A process whose primary is gone exits by itself (node:cluster's disconnect).
 */
import cluster, { type Worker } from 'node:cluster';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import { exitWithParent } from './process.ts';
import { startEmbeddedRedis } from './redis/embedded.ts';

const REFORK_DELAY_MS = 1000;
const STOP_GRACE_MS = 10_000;

type ClusterConfig = Pick<
  Config,
  'WEB_CONCURRENCY' | 'WORKERS' | 'REDIS_URL' | 'REDIS_CLUSTER_NODES' | 'DATA_DIR'
>;

/** True in a process that should serve (one of the forked ones, or the only one). */
export const servesHere = (config: Pick<Config, 'WEB_CONCURRENCY'>) =>
  config.WEB_CONCURRENCY <= 1 || !cluster.isPrimary;

export async function runPrimary(config: ClusterConfig, log: Logger): Promise<void> {
  exitWithParent();
  const embedded =
    config.REDIS_URL || config.REDIS_CLUSTER_NODES
      ? undefined
      : await startEmbeddedRedis(config.DATA_DIR, (line) => log.info(line));
  const shared = embedded ? { REDIS_URL: `unix://${embedded.socket}` } : {};
  const roles = new Map<Worker, number>();
  let stopping = false;
  const fork = (index: number) => {
    const worker = cluster.fork({ ...shared, WORKERS: index === 0 ? config.WORKERS : 'off' });
    roles.set(worker, index);
  };
  cluster.on('exit', (worker, code, signal) => {
    const index = roles.get(worker) ?? 0;
    roles.delete(worker);
    if (stopping) return;
    log.warn('server process exited; starting another', { index, code, signal });
    setTimeout(() => fork(index), REFORK_DELAY_MS).unref();
  });
  for (let i = 0; i < config.WEB_CONCURRENCY; i++) fork(i);
  log.info('serving with several processes', { processes: config.WEB_CONCURRENCY });

  const stop = async () => {
    stopping = true;
    const exited = [...roles.keys()].map((w) => new Promise((done) => w.once('exit', done)));
    for (const worker of roles.keys()) worker.process.kill('SIGTERM');
    const grace = new Promise((done) => setTimeout(done, STOP_GRACE_MS).unref());
    await Promise.race([Promise.all(exited), grace]);
    await embedded?.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
