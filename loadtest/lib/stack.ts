/**
 * Runs a bench against its own children: a throwaway redis-server (no persistence, listening only on
 * a Unix socket in a temporary directory, unless an external Redis URL is given) and the real server
 * on Node (on Deno with BENCH_RUNTIME=deno) on 127.0.0.1 (port BENCH_PORT, or a free one), started
 * after an optional `prepare` step against Redis. Both are stopped when the bench ends, when it throws
 * (with the server's last output) and on Ctrl-C or SIGTERM (exit 130). The body's problems come back
 * with the server's own: an exit, warnings or errors in its output, a broken invariant in the store of
 * record (`checkInvariants`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { checkInvariants } from '../../src/domain/invariants.ts';
import { answersPing, redisServerArgs } from '../../src/redis/embedded.ts';
import { keySpace } from '../../src/redis/keys.ts';
import { type ServerProcess, startServer } from '../../test/support/server-process.ts';
import { fmt, intEnv, log, sleep } from './common.ts';
import type { CpuPids } from './proc.ts';

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
}

export interface Stack {
  base: string;
  server: ServerProcess;
  redis: Redis;
  pids: CpuPids;
  /** Stops the server and starts a new one with the same settings. */
  restart(between: () => Promise<void>): Promise<void>;
}

const PORT = intEnv('BENCH_PORT', 0, 0) || undefined;
const RUNTIME = process.env.BENCH_RUNTIME === 'deno' ? 'deno' : 'node';

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
  const report = await checkInvariants(stack.redis, keySpace(prefix), Date.now());
  log(
    `  store of record (Redis): ${fmt(report.users)} users, ${fmt(report.orders)} orders, ${fmt(report.stores)} stores; invariants ${report.problems.length ? 'BROKEN' : 'OK'}`,
  );
  return report.problems.map((p) => `store of record: ${p}`);
}

/** Starts the children, runs `body` and returns its problems and the server's; throws when it cannot run. */
export async function runWithStack(opts: StackOptions, body: (stack: Stack) => Promise<string[]>) {
  const dir = mkdtempSync(join(tmpdir(), opts.dirPrefix));
  let redisChild: Awaited<ReturnType<typeof startRedis>> | undefined;
  let redis: Redis | undefined;
  let server: ServerProcess | undefined;
  const cleanup = async () => {
    await server?.stop().catch(() => server && waitExit(server.child, 5000));
    server = undefined;
    redis?.disconnect();
    await redisChild?.stop();
    redisChild = undefined;
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log(`\n${signal}: stopping the server and Redis`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (!opts.redisUrl) redisChild = await startRedis(dir);
    const redisUrl = opts.redisUrl ?? (redisChild?.url as string);
    redis = new Redis(redisUrl);
    await opts.prepare?.(redis);
    const start = () => startServer(RUNTIME, { ...opts.env, REDIS_URL: redisUrl }, PORT, opts.readyTimeoutMs);
    server = await start();
    const problems: string[] = [];
    const stack: Stack = {
      base: server.baseUrl,
      server,
      redis,
      pids: { server: server.child.pid, redis: redisChild?.pid },
      async restart(between) {
        problems.push(...serverProblems(stack.server));
        await stack.server.stop();
        await between();
        server = stack.server = await start();
        stack.base = server.baseUrl;
        stack.pids.server = server.child.pid;
      },
    };
    problems.push(...(await body(stack)));
    return [...problems, ...serverProblems(stack.server)];
  } catch (error) {
    if (server) log(`server output, last lines:\n${server.output().split('\n').slice(-40).join('\n')}`);
    throw error;
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
