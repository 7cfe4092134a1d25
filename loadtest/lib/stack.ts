/**
 * A bench's own children: a throwaway redis-server (no persistence, listening only on a Unix socket
 * in a temporary directory, unless an external Redis URL is given) and the real server on
 * 127.0.0.1 (port BENCH_PORT, or a free one), from this checkout or another revision's (`root`), on
 * Node or Deno (BENCH_RUNTIME=deno, unless the bench names one), started after an optional `prepare`
 * step against Redis. `openStack` leaves them running until `close` (several stacks may be open at
 * once, each with its own Redis); `runWithStack` runs a body between the two. Both are stopped on
 * errors and on Ctrl-C or SIGTERM (exit 130). The body's problems come back with the server's own:
 * an exit, warnings or errors in its output, a broken invariant in the store of record.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { checkInvariants } from '../../src/domain/invariants.ts';
import { answersPing, redisServerArgs } from '../../src/redis/embedded.ts';
import { keySpace } from '../../src/redis/keys.ts';
import { untilDone } from './cleanup.ts';
import { fmt, intEnv, log, sleep } from './common.ts';
import type { CpuPids } from './proc.ts';
import { type Runtime, type ServerProcess, startServer } from './server.ts';

export interface StackOptions {
  /** Prefix of the temporary directory that holds Redis's socket. */
  dirPrefix: string;
  /** Server environment besides REDIS_URL (KEY_PREFIX, timeouts, ...). */
  env: Record<string, string | undefined> & { KEY_PREFIX: string };
  /** Use this Redis instead of starting one. */
  redisUrl?: string;
  /** Runs against Redis before the server starts (e.g. writes the data the server loads at start). */
  prepare?: (redis: Redis) => Promise<void>;
  /** How long the server may take to answer /healthz (default 60 s). */
  readyTimeoutMs?: number;
  /** The checkout the server runs from (default: this one). */
  root?: string;
  runtime?: Runtime;
  /** The server's port (default: BENCH_PORT, else a free one). */
  port?: number;
}

export interface Stack {
  base: string;
  server: ServerProcess;
  redis: Redis;
  pids: CpuPids;
  /** The directory of Redis's socket; removed at the end. */
  dir: string;
  /** Stops the server and starts a new one with the same settings. */
  restart(between: () => Promise<void>): Promise<void>;
}

export interface OpenStack extends Stack {
  /** The server's own problems so far (see serverProblems). */
  problems(): string[];
  /** Stops the server and Redis and removes the directory. */
  close(): Promise<void>;
}

const PORT = intEnv('BENCH_PORT', 0, 0) || undefined;
/** The benches' runtime unless a bench names one (bench-orders' checkout takes a list of them). */
const RUNTIME: Runtime = process.env.BENCH_RUNTIME === 'deno' ? 'deno' : 'node';

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
function waitExit(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts redis-server with its socket and files in `dir`; throws if it does not answer PING. */
async function startRedis(dir: string) {
  const socket = join(dir, 'r.sock');
  // The embedded server's arguments, with its AOF turned off (a later option overrides an earlier one).
  const child = spawn('redis-server', [...redisServerArgs(socket, dir), '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  let spawnError: Error | undefined;
  child.once('error', (error: NodeJS.ErrnoException) => {
    spawnError =
      error.code === 'ENOENT' ? new Error('redis-server not found: install it or set REDIS_URL') : error;
  });
  const stop = () => waitExit(child, 5000);
  for (let i = 0; i < 200; i++) {
    if (spawnError) throw spawnError;
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    if (await answersPing(socket)) return { url: `unix://${socket}`, pid: child.pid, stop };
    await sleep(50);
  }
  await stop();
  throw new Error(`redis-server did not answer on ${socket} within 10 s`);
}

/** Problems the server shows by itself: it exited, logged warnings or errors. Logs its last such lines. */
function serverProblems(server: ServerProcess): string[] {
  const lines = server.output().split('\n');
  const worrying = lines.filter((line) => line.trim() && !/"level":"(debug|info)"/.test(line));
  if (worrying.length) log(`\nserver warnings/errors, last lines:\n${worrying.slice(-20).join('\n')}`);
  return server.child.exitCode === null ? [] : [`the server exited with ${server.child.exitCode}`];
}

/** `checkInvariants` over the bench's key prefix: money, stock, no order stuck. */
export async function storeOfRecord(stack: Stack, prefix: string): Promise<string[]> {
  const t0 = Date.now();
  const report = await checkInvariants(stack.redis, keySpace(prefix), Date.now());
  log(
    `  store of record (Redis): ${fmt(report.users)} users, ${fmt(report.orders)} orders, ${fmt(report.stores)} stores; invariants ${report.problems.length ? 'BROKEN' : 'OK'} (checked in ${fmt((Date.now() - t0) / 1000, 1)} s)`,
  );
  return report.problems.map((p) => `store of record: ${p}`);
}

/** Starts Redis (unless `redisUrl`) and the server; throws (having stopped both) when it cannot. */
export async function openStack(opts: StackOptions): Promise<OpenStack> {
  const dir = mkdtempSync(join(tmpdir(), opts.dirPrefix));
  let redisChild: Awaited<ReturnType<typeof startRedis>> | undefined;
  let redis: Redis | undefined;
  let server: ServerProcess | undefined;
  const problems: string[] = [];
  const close = async () => {
    await server?.stop();
    server = undefined;
    redis?.disconnect();
    await redisChild?.stop();
    redisChild = undefined;
    rmSync(dir, { recursive: true, force: true });
    done();
  };
  const done = untilDone(`${opts.dirPrefix}stack`, close);
  try {
    if (!opts.redisUrl) redisChild = await startRedis(dir);
    const redisUrl = opts.redisUrl ?? (redisChild?.url as string);
    redis = new Redis(redisUrl);
    // Commands still fail on their own; the event would only repeat each reconnection attempt.
    redis.on('error', () => {});
    await opts.prepare?.(redis);
    const env = { ...opts.env, DATA_DIR: opts.env.DATA_DIR ?? join(dir, 'data'), REDIS_URL: redisUrl };
    const { root, runtime = RUNTIME, readyTimeoutMs } = opts;
    const start = () => startServer({ root, runtime, env, port: opts.port ?? PORT, readyTimeoutMs });
    server = await start();
    const stack: OpenStack = {
      base: server.baseUrl,
      server,
      redis,
      dir,
      pids: { server: server.child.pid, redis: redisChild?.pid },
      async restart(between) {
        problems.push(...serverProblems(stack.server));
        await stack.server.stop();
        await between();
        server = stack.server = await start();
        stack.base = server.baseUrl;
        stack.pids.server = server.child.pid;
      },
      problems: () => [...problems, ...serverProblems(stack.server)],
      close,
    };
    return stack;
  } catch (error) {
    if (server) log(`server output, last lines:\n${server.output().split('\n').slice(-40).join('\n')}`);
    await close();
    throw error;
  }
}

/** Starts the children, runs `body` and returns its problems and the server's; throws when it cannot run. */
export async function runWithStack(opts: StackOptions, body: (stack: Stack) => Promise<string[]>) {
  const stack = await openStack(opts);
  try {
    const problems = await body(stack);
    return [...problems, ...stack.problems()];
  } catch (error) {
    log(`server output, last lines:\n${stack.server.output().split('\n').slice(-40).join('\n')}`);
    throw error;
  } finally {
    await stack.close();
  }
}
