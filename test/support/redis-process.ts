/**
 * A dedicated redis-server child for one test, on a Unix socket in its own temporary directory, with
 * AOF (`appendfsync everysec`) and no RDB snapshots. `kill` sends a signal (e.g. SIGKILL) and waits
 * for the exit; `restart` starts it again on the same directory and socket, so the data comes back
 * from the AOF. Killing it never touches the suite's shared Redis.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { answersPing, redisServerArgs } from '../../src/redis/embedded.ts';

export interface RedisProcess {
  dir: string;
  socket: string;
  /** `unix://<socket>`, for REDIS_URL. */
  url: string;
  /** True while the child runs. */
  running(): boolean;
  output(): string;
  /** Sends a signal (e.g. SIGKILL) and waits for the exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Sends a signal that does not end it (SIGSTOP pauses it, SIGCONT resumes it). */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void;
  /** Starts redis-server again on the same directory and socket (data from the AOF). */
  restart(): Promise<void>;
  /** SIGTERM, wait, remove the directory. */
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'bookstore-crash-'));
  const socket = join(dir, 'r.sock');
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let output = '';

  const launch = async () => {
    const args = redisServerArgs(socket, dir);
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    const spawnError = new Promise<never>((_, reject) => proc.once('error', reject));
    spawnError.catch(() => {});
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}:\n${output}`);
      const ready = await Promise.race([answersPing(socket), spawnError]);
      if (ready) return;
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`redis-server did not answer on ${socket} within 15 s:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const kill = async (signal: NodeJS.Signals) => {
    if (running()) child?.kill(signal);
    await exited;
  };

  await launch();
  return {
    dir,
    socket,
    url: `unix://${socket}`,
    running,
    output: () => output,
    kill,
    signal(signal) {
      if (running()) child?.kill(signal);
    },
    async restart() {
      await kill('SIGKILL');
      await launch();
    },
    async stop() {
      await kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Shuts down the embedded Redis a test's service left running under `dataDir`, if any. */
export async function stopLeftoverEmbeddedRedis(dataDir: string): Promise<void> {
  const leftover = new Redis({
    path: join(dataDir, 'redis', 'redis.sock'),
    lazyConnect: true,
    retryStrategy: () => null,
  });
  leftover.on('error', () => {});
  await leftover
    .connect()
    .then(() => leftover.shutdown('NOSAVE' as never))
    .catch(() => {});
  leftover.disconnect();
}
