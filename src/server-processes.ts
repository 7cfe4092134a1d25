/**
 * `WEB_CONCURRENCY` server processes sharing one port, for either runtime (src/cluster.ts on Node,
 * src/cluster.deno.ts on Deno: each only says how to start a process). The primary serves nothing
 * itself: it starts the embedded Redis when the configuration uses it (so the processes share one,
 * and it is stopped once), starts the processes, runs the inline order workers in the first of them
 * only (WORKERS as configured, `off` in the others), starts again a process that dies, and on
 * SIGTERM/SIGINT stops them all, then the embedded Redis, before it exits. A process whose primary is
 * gone exits by itself (exitWithParent: the primary is named in BOOKSTORE_WATCH_PID).
 */
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import { exitWithParent } from './process.ts';
import { startEmbeddedRedis } from './redis/embedded.ts';

const REFORK_DELAY_MS = 1000;
/** A process still running this long after SIGTERM is killed (it gives itself 10 s: src/process.ts). */
const STOP_GRACE_MS = 12_000;
const KILL_WAIT_MS = 2000;

/** Set in the environment of each server process the primary starts: its index, 0 to N-1. */
const INDEX_VARIABLE = 'BOOKSTORE_SERVER_INDEX';

export type PrimaryConfig = Pick<
  Config,
  'WEB_CONCURRENCY' | 'WORKERS' | 'REDIS_URL' | 'REDIS_CLUSTER_NODES' | 'DATA_DIR'
>;

/** One server process as the primary sees it, whatever started it. */
export interface ServerChild {
  kill(signal: NodeJS.Signals): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
}

/** Starts one server process with these variables added to the primary's environment. */
export type StartServerChild = (env: Record<string, string>) => ServerChild;

/** True in a process that should serve: one the primary started, or the only one. */
export const servesHere = (
  config: Pick<Config, 'WEB_CONCURRENCY'>,
  env: Record<string, string | undefined> = process.env,
) => config.WEB_CONCURRENCY <= 1 || env[INDEX_VARIABLE] !== undefined;

export async function runPrimary(config: PrimaryConfig, log: Logger, start: StartServerChild): Promise<void> {
  exitWithParent();
  const embedded =
    config.REDIS_URL || config.REDIS_CLUSTER_NODES
      ? undefined
      : await startEmbeddedRedis(config.DATA_DIR, (line) => log.info(line));
  const shared = {
    ...(embedded ? { REDIS_URL: `unix://${embedded.socket}` } : {}),
    BOOKSTORE_WATCH_PID: String(process.pid),
  };
  const running = new Set<ServerChild>();
  let stopping = false;
  const startOne = (index: number) => {
    const child = start({
      ...shared,
      [INDEX_VARIABLE]: String(index),
      WORKERS: index === 0 ? config.WORKERS : 'off',
    });
    running.add(child);
    child.onExit((code, signal) => {
      running.delete(child);
      if (stopping) return;
      log.warn('server process exited; starting another', { index, code, signal });
      setTimeout(() => {
        if (!stopping) startOne(index);
      }, REFORK_DELAY_MS);
    });
  };
  for (let i = 0; i < config.WEB_CONCURRENCY; i++) startOne(i);
  log.info('serving with several processes', { processes: config.WEB_CONCURRENCY });

  const stop = async () => {
    stopping = true;
    const within = (ms: number, work: Promise<unknown>) =>
      Promise.race([work, new Promise((done) => setTimeout(done, ms))]);
    const exits = () => Promise.all([...running].map((child) => new Promise((done) => child.onExit(done))));
    const exited = exits();
    for (const child of running) child.kill('SIGTERM');
    await within(STOP_GRACE_MS, exited);
    // None is left behind: one whose shutdown hangs would keep serving (or holding the port) alone.
    if (running.size > 0) {
      log.warn('server processes still running after SIGTERM; killing them', { processes: running.size });
      const killed = exits();
      for (const child of running) child.kill('SIGKILL');
      await within(KILL_WAIT_MS, killed);
    }
    await embedded?.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
