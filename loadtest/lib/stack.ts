/**
 * Runs a bench against its own children: a throwaway redis-server (unless an external Redis URL is
 * given) and the real server on Node on a free 127.0.0.1 port, started after an optional `prepare`
 * step against Redis. Both are stopped when the bench ends,
 * when it throws (exit code 2, with the server's last output) and on Ctrl-C or SIGTERM (exit 130).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerProcess, startServer } from '../../test/support/server-process.ts';
import { log } from './common.ts';
import type { CpuPids } from './cpu.ts';
import { type RedisChild, startRedis, waitExit } from './redis-child.ts';

export interface StackOptions {
  /** Names the bench in failure messages, e.g. 'bench:orders'. */
  label: string;
  /** Prefix of the temporary directory that holds Redis's socket. */
  dirPrefix: string;
  /** Server environment besides REDIS_URL (KEY_PREFIX, timeouts, ...). */
  env: Record<string, string | undefined>;
  /** Use this Redis instead of starting one. */
  redisUrl?: string;
  /** Runs against Redis before the server starts (e.g. writes the data the server loads at start). */
  prepare?: (redisUrl: string) => Promise<void>;
  /** How long the server may take to answer /healthz (default 60 s). */
  readyTimeoutMs?: number;
}

export interface Stack {
  base: string;
  server: ServerProcess;
  redis: RedisChild | undefined;
  pids: CpuPids;
}

/** Stops the server; if its own stop fails, terminates the child directly. */
async function stopServer(server: ServerProcess): Promise<void> {
  await server.stop().catch(() => waitExit(server.child, 5000));
}

/** Starts the children, runs `body` and returns its exit code (2 when anything throws). */
export async function runWithStack(opts: StackOptions, body: (stack: Stack) => Promise<number>) {
  const dir = mkdtempSync(join(tmpdir(), opts.dirPrefix));
  let redis: RedisChild | undefined;
  let server: ServerProcess | undefined;
  const cleanup = async () => {
    if (server) await stopServer(server).catch(() => {});
    server = undefined;
    await redis?.stop().catch(() => {});
    redis = undefined;
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log(`\n${signal}: stopping the server and Redis`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let redisUrl = opts.redisUrl;
    if (!redisUrl) {
      redis = await startRedis(dir);
      redisUrl = redis.url;
    }
    await opts.prepare?.(redisUrl);
    server = await startServer('node', { ...opts.env, REDIS_URL: redisUrl }, undefined, opts.readyTimeoutMs);
    return await body({
      base: server.baseUrl,
      server,
      redis,
      pids: { server: server.child.pid, redis: redis?.pid },
    });
  } catch (error) {
    log(`${opts.label} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (server) log(`server output:\n${server.output().split('\n').slice(-40).join('\n')}`);
    return 2;
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
