/**
 * The embedded default: with neither REDIS_URL nor REDIS_CLUSTER_NODES set, the service runs its own
 * `redis-server` child on a Unix socket under the data directory, with AOF (`appendfsync everysec`)
 * so data survives restarts. A server already answering on that socket (left by a process that was
 * killed) is reused rather than replaced.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';

export interface EmbeddedRedis {
  socket: string;
  stop(): Promise<void>;
}

/** redis-server's arguments for a server on a Unix socket with AOF (`appendfsync everysec`) in `dir`. */
export function redisServerArgs(socket: string, dir: string): string[] {
  return [
    '--port',
    '0',
    '--unixsocket',
    socket,
    '--unixsocketperm',
    '700',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--save',
    '',
    '--maxmemory-policy',
    'noeviction',
    // Hashes of up to 32 fields (users, orders, reservations) stay compact listpacks; a store's
    // stock and prices (one field per book) become hash tables past 32 books, where a lookup does
    // not scan every field (measured: the reserve step 28 -> 22 µs of Redis CPU with 100 books).
    '--hash-max-listpack-entries',
    '32',
    '--daemonize',
    'no',
  ];
}

/** True when a Redis answers PING on this Unix socket. */
export async function answersPing(socket: string): Promise<boolean> {
  if (!existsSync(socket)) return false;
  const probe = new Redis({
    path: socket,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * `detached`: redis-server runs in a process group of its own, so a terminal's Ctrl-C (SIGINT to the
 * whole foreground group) reaches only the service, which stops Redis itself once it no longer
 * needs it (after its requests, jobs and server processes are done); in the group, Redis would
 * quit first and the shutdown would meet a dead Redis. The test run's Redis stays in the group,
 * so an interrupted run takes it along.
 */
export async function startEmbeddedRedis(
  dataDir: string,
  log: (line: string) => void,
  { detached = true }: { detached?: boolean } = {},
): Promise<EmbeddedRedis> {
  const dir = resolve(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const socket = resolve(dir, 'redis.sock');
  if (await answersPing(socket)) {
    log(`reusing the embedded Redis already running on ${socket}`);
    return { socket, stop: async () => {} };
  }
  rmSync(socket, { force: true });
  const args = redisServerArgs(socket, dir);
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'], detached });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const failed = new Promise<never>((_, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'ENOENT'
            ? 'redis-server not found: install it (Debian/Ubuntu: apt-get install -y redis-server) or set REDIS_URL'
            : `could not start redis-server: ${error.message}`,
        ),
      ),
    );
    child.on('exit', (code) => reject(new Error(`redis-server exited with code ${code}: ${stderr.trim()}`)));
  });
  const ready = (async () => {
    for (let i = 0; i < 200; i++) {
      if (await answersPing(socket)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not answer on ${socket} within 10 s`);
  })();
  await Promise.race([ready, failed]);
  failed.catch(() => {});
  log(`embedded Redis started on ${socket} (AOF in ${dir})`);
  return {
    socket,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}
