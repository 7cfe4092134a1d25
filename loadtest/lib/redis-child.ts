/**
 * A throwaway redis-server for one bench run: no persistence, listening only on a Unix socket in the
 * run's temporary directory (`--port 0`), so nothing leaves the machine. `startRedis` waits until it
 * answers PING; `stop` sends SIGTERM and SIGKILL after a grace period.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { answersPing, redisServerArgs } from '../../src/redis/embedded.ts';
import { sleep } from './common.ts';

export interface RedisChild {
  url: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
export function waitExit(child: ChildProcess, graceMs: number): Promise<void> {
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

/** Starts redis-server with its socket and working files in `dir`; throws if it does not answer. */
export async function startRedis(dir: string): Promise<RedisChild> {
  const socket = join(dir, 'r.sock');
  // The embedded server's arguments, with its AOF turned off (a later option overrides an earlier one).
  const args = [...redisServerArgs(socket, dir), '--appendonly', 'no'];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let spawnError: Error | undefined;
  child.once('error', (error: NodeJS.ErrnoException) => {
    spawnError =
      error.code === 'ENOENT' ? new Error('redis-server not found: install it or set REDIS_URL') : error;
  });
  const stop = () => waitExit(child, 5000);
  for (let i = 0; i < 200; i++) {
    if (spawnError) throw spawnError;
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}:\n${output}`);
    if (await answersPing(socket)) return { url: `unix://${socket}`, pid: child.pid, stop };
    await sleep(50);
  }
  await stop();
  throw new Error(`redis-server did not answer on ${socket} within 10 s:\n${output}`);
}
