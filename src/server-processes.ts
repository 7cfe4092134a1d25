/**
 * `WEB_CONCURRENCY` server processes sharing one port, for either runtime (src/cluster.ts on Node,
 * src/cluster.deno.ts on Deno: each only says how to start a process). The primary serves nothing
 * itself: it starts the embedded Redis when the configuration uses it (so the processes share one,
 * and it is stopped once), starts the processes, runs the inline order workers in the first of them
 * only (WORKERS as configured, `off` in the others), starts again a process that dies, and on
 * SIGTERM/SIGINT stops them all, then the embedded Redis, before it exits, all within
 * SHUTDOWN_GRACE_MS: each process is given a shorter grace of its own, and one still running past it
 * is killed. It exits 1 when a process did not shut down cleanly. A process whose primary is gone
 * exits by itself (exitWithParent: the primary is named in BOOKSTORE_WATCH_PID).
 */
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import { exitOnSignals, exitWithParent, ShutdownSteps } from './process.ts';
import { startEmbeddedRedis } from './redis/embedded.ts';

const REFORK_DELAY_MS = 1000;
/** How long a killed process may take to be reaped; also the margin past a process's own grace. */
const KILL_WAIT_MS = 500;

/** The grace each server process gets, so that the primary still ends within its own. */
export const processGraceMs = (graceMs: number) => Math.max(graceMs - 2000, Math.floor(graceMs / 2));

/** Set in the environment of each server process the primary starts: its index, 0 to N-1. */
const INDEX_VARIABLE = 'BOOKSTORE_SERVER_INDEX';

export type PrimaryConfig = Pick<
  Config,
  'WEB_CONCURRENCY' | 'WORKERS' | 'REDIS_URL' | 'REDIS_CLUSTER_NODES' | 'DATA_DIR' | 'SHUTDOWN_GRACE_MS'
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
    SHUTDOWN_GRACE_MS: String(processGraceMs(config.SHUTDOWN_GRACE_MS)),
  };
  const running = new Set<ServerChild>();
  let stopping = false;
  /** Set when a process exited otherwise than by a clean shutdown while stopping. */
  let unclean = false;
  const startOne = (index: number) => {
    const child = start({
      ...shared,
      [INDEX_VARIABLE]: String(index),
      WORKERS: index === 0 ? config.WORKERS : 'off',
    });
    running.add(child);
    child.onExit((code, signal) => {
      running.delete(child);
      if (stopping) {
        // Ended by the SIGTERM itself: it was still starting (its handler not yet in place).
        if (code !== 0 && signal !== 'SIGTERM') unclean = true;
        return;
      }
      log.warn('server process exited; starting another', { index, code, signal });
      setTimeout(() => {
        if (!stopping) startOne(index);
      }, REFORK_DELAY_MS);
    });
  };
  for (let i = 0; i < config.WEB_CONCURRENCY; i++) startOne(i);
  log.info('serving with several processes', { processes: config.WEB_CONCURRENCY });

  const within = (ms: number, work: Promise<unknown>) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    return Promise.race([work, new Promise((done) => (timer = setTimeout(done, ms)))]).finally(() =>
      clearTimeout(timer),
    );
  };
  const exits = () => Promise.all([...running].map((child) => new Promise((done) => child.onExit(done))));
  const steps = new ShutdownSteps();
  const stop = async () => {
    stopping = true;
    const exited = exits();
    for (const child of running) child.kill('SIGTERM');
    await steps.run(
      () => `stopping ${running.size} server processes`,
      () => within(processGraceMs(config.SHUTDOWN_GRACE_MS) + KILL_WAIT_MS, exited),
    );
    // None is left behind: one whose shutdown hangs would keep serving (or holding the port) alone.
    if (running.size > 0) {
      log.warn('server processes still running after their grace; killing them', { processes: running.size });
      const killed = exits();
      for (const child of running) child.kill('SIGKILL');
      await steps.run('killing the server processes', () => within(KILL_WAIT_MS, killed));
    }
    await steps.run('stopping the embedded Redis', async () => embedded?.stop());
    if (unclean) throw new Error('a server process did not shut down cleanly');
  };
  exitOnSignals(stop, config.SHUTDOWN_GRACE_MS, steps);
}
