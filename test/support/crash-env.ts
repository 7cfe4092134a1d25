/**
 * The processes of a crash test: a dedicated redis-server child (AOF, Unix socket) per test so killing
 * Redis never touches the suite's shared one, the server restartable on the same port, worker
 * processes, and the cleanups that stop them all after each test even when it failed. Each crash test
 * file calls `afterEach(cleanUp)` and `afterAll(cleanUp)`.
 */
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { keySpace } from '../../src/redis/keys.ts';
import { type Client, clientFor } from './client.ts';
import { uniquePrefix } from './harness.ts';
import { prng } from './prng.ts';
import { type RedisProcess, startRedis } from './redis-process.ts';
import { type ServerProcess, startServer } from './server-process.ts';
import { startWorker, type WorkerProcess } from './worker-process.ts';

/** The payment deadline of every crash test, in seconds. */
export const TIMEOUT_SECONDS = 3;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** The run's seed (CRASH_SEED to replay a run); each test offsets it to draw its own sequence. */
export const crashSeed = () => Number(process.env.CRASH_SEED ?? Date.now() % 100_000);

/** Everything a test started, undone after it (and in afterAll) even when the test failed. */
const cleanups: (() => Promise<unknown>)[] = [];

/** Registers an undo step for the end of the current test. */
export const defer = (cleanup: () => Promise<unknown>) => {
  cleanups.push(cleanup);
};

/** Runs the undo steps, last first; a failing one does not stop the others. */
export const cleanUp = async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
};

/** Real HTTP with a bound on every request: a request to a dying process never hangs the load. */
export const timedClient = (baseUrl: string): Client =>
  clientFor((path, init) => fetch(baseUrl + path, { ...init, signal: AbortSignal.timeout(10_000) }));

/** The environment of a server or worker on the dedicated Redis under this test's prefix. */
export const serviceEnv = (redis: RedisProcess, prefix: string, workers: 'inline' | 'off') => ({
  REDIS_URL: redis.url,
  REDIS_CLUSTER_NODES: undefined,
  KEY_PREFIX: prefix,
  ORDER_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS),
  WORKERS: workers,
});

/** The dedicated Redis of one test, stopped (and its directory removed) after it. */
export async function dedicatedRedis() {
  const redis = await startRedis();
  defer(() => redis.stop());
  return redis;
}

/** A test-side connection to the dedicated Redis that survives its restarts. */
export function connect(redis: RedisProcess) {
  const client = new Redis({ path: redis.socket });
  client.on('error', () => {});
  defer(async () => client.disconnect());
  return client;
}

/** The server, restartable on the same port; the current child is SIGKILLed after the test. */
export async function restartableServer(env: Record<string, string | undefined>) {
  let current: ServerProcess = await startServer('node', env);
  const port = current.port;
  defer(() => current.kill('SIGKILL'));
  return {
    baseUrl: current.baseUrl,
    get current() {
      return current;
    },
    async killAndRestart(random: () => number) {
      await current.kill('SIGKILL');
      await sleep(random() * 300);
      current = await startServer('node', env, port);
    },
  };
}

export type CrashServer = Awaited<ReturnType<typeof restartableServer>>;

const heldWorkerEntry = fileURLToPath(new URL('./held-worker.ts', import.meta.url));

/**
 * A worker process, SIGKILLed after the test: the production entry (workers/index.ts), or with
 * `held` the entry that holds every job it takes until killed (test/support/held-worker.ts).
 */
export async function workerProcess(
  env: Record<string, string | undefined>,
  held: boolean,
): Promise<WorkerProcess & { heldJobs(): string[] }> {
  const worker = await startWorker(env, held ? heldWorkerEntry : undefined);
  defer(() => worker.kill('SIGKILL'));
  const heldJobs = () => [...worker.output().matchAll(/^held (\S+)$/gm)].map((m) => m[1] ?? '');
  return { ...worker, heldJobs };
}

/**
 * What every crash test starts from: its seed (CRASH_SEED repeats a run; `seedOffset` keeps the
 * tests' random sequences apart), its own Redis, a fresh key space, and the server with its client.
 */
export async function crashScene(seedOffset: number, workers: 'inline' | 'off') {
  const seed = crashSeed();
  const random = prng(seed + seedOffset);
  const redis = await dedicatedRedis();
  const keys = keySpace(uniquePrefix());
  const env = serviceEnv(redis, keys.prefix, workers);
  const server = await restartableServer(env);
  return { seed, random, redis, keys, env, server, client: timedClient(server.baseUrl) };
}
