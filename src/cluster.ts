/**
 * `WEB_CONCURRENCY` on Node: node:cluster starts the server processes (the primary accepts on the
 * port and hands connections to them in turn); src/server-processes.ts does the rest. A process
 * whose primary is gone also exits through node:cluster's disconnect.
 */
import cluster from 'node:cluster';
import type { Logger } from './log.ts';
import { type PrimaryConfig, runPrimary } from './server-processes.ts';

export const runNodePrimary = (config: PrimaryConfig, log: Logger) =>
  runPrimary(config, log, (env) => {
    const worker = cluster.fork(env);
    return {
      kill: (signal) => worker.process.kill(signal),
      onExit: (listener) => worker.once('exit', listener),
    };
  });
