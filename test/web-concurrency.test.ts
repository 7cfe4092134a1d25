/**
 * WEB_CONCURRENCY (src/server-processes.ts) on Node (node:cluster) and on Deno (SO_REUSEPORT):
 * several server processes serve one port, the order workers run only as configured (in one
 * process), a process that dies is replaced while the others keep serving, SIGTERM stops them all,
 * and the embedded Redis is started once by the primary, shared, and stopped with it.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { QUEUE_NAME } from '../src/jobs/catalog.ts';
import { keySpace } from '../src/redis/keys.ts';
import { redisEnv, uniquePrefix } from './support/harness.ts';
import { type Runtime, type ServerProcess, startServer } from './support/server-process.ts';

const entries: Record<Runtime, string> = { node: 'src/server.ts', deno: 'src/server.deno.ts' };

/** The live processes whose parent is `pid` and whose command line has `command` in it. */
function childrenOf(pid: number | undefined, command: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === pid && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(command);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

/** Those of `pids` that hold a TCP socket listening on `port` (IPv4). */
function listenersOn(port: number, pids: number[]): number[] {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set(
    readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[1]?.endsWith(hexPort) && fields[3] === '0A')
      .map((fields) => `socket:[${fields[9]}]`),
  );
  const holds = (pid: number) =>
    readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return inodes.has(readlinkSync(`/proc/${pid}/fd/${fd}`));
      } catch {
        return false; // closed meanwhile
      }
    });
  return pids.filter(holds);
}

const alive = (pid: number | undefined) => readdirSync('/proc').includes(String(pid));

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const count = (server: ServerProcess, text: string) => server.output().split(text).length - 1;
const listening = (server: ServerProcess) => count(server, 'listening on http');
const byPid = (a: number, b: number) => a - b;

describe.each(['node', 'deno'] as const)('WEB_CONCURRENCY=2 on %s', (runtime) => {
  const servers: ServerProcess[] = [];
  afterAll(() => Promise.all(servers.map((s) => s.stop())));
  const start = async (env: Record<string, string | undefined>) => {
    const server = await startServer(runtime, { ...env, WEB_CONCURRENCY: '2', LOG_LEVEL: 'info' });
    servers.push(server);
    return server;
  };

  it('serves one port from two processes with the order workers in one, and replaces a killed one', {
    timeout: 180_000,
  }, async () => {
    const prefix = uniquePrefix();
    const s = await start({ ...redisEnv(), KEY_PREFIX: prefix, WORKERS: 'inline' });
    const primary = s.child.pid ?? 0;
    await until('both processes listening', () => listening(s) === 2);
    const children = childrenOf(primary, entries[runtime]).sort(byPid);
    expect(children).toHaveLength(2);
    // node:cluster: the primary holds the one listening socket and hands connections over; Deno:
    // each process holds its own on the same port (SO_REUSEPORT).
    expect(listenersOn(s.port, [primary, ...children])).toEqual(runtime === 'node' ? [primary] : children);

    const connection = redisEnv().REDIS_CLUSTER_NODES ? undefined : new Redis(redisEnv().REDIS_URL ?? '');
    if (connection) {
      const queue = new Queue(QUEUE_NAME, { connection, prefix: keySpace(prefix).queuePrefix() });
      await until('an order worker registered', async () => (await queue.getWorkers()).length > 0);
      expect(await queue.getWorkers()).toHaveLength(1);
      await queue.close();
      connection.disconnect();
    }

    // One process dies (a connection handed to it just then may be reset): once the primary has seen
    // it exit, the other answers every request while a new one starts in its place.
    process.kill(children[0] ?? 0, 'SIGKILL');
    await until('the primary saw the exit', () => s.output().includes('server process exited'));
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${s.baseUrl}/healthz`, { headers: { connection: 'close' } }).then((r) => r.status),
      ),
    );
    expect(answers).toEqual(Array(20).fill(200));
    await until('a replacement listening', () => listening(s) === 3);
    const replaced = childrenOf(primary, entries[runtime]).sort(byPid);
    expect(replaced).toHaveLength(2);
    expect(replaced).not.toContain(children[0]);
    if (runtime === 'deno') expect(listenersOn(s.port, replaced)).toEqual(replaced);

    await s.stop();
    expect(childrenOf(primary, entries[runtime])).toEqual([]);
    expect(children.concat(replaced).filter(alive)).toEqual([]);
  });

  it('starts the embedded Redis once for both processes and stops it on SIGTERM', {
    timeout: 180_000,
  }, async () => {
    // No REDIS_URL nor REDIS_CLUSTER_NODES (even when the run has them): the embedded default.
    const s = await start({
      REDIS_URL: undefined,
      REDIS_CLUSTER_NODES: undefined,
      KEY_PREFIX: uniquePrefix(),
    });
    await until('both processes ready', () => count(s, '"msg":"service ready"') === 2);
    const redisServers = childrenOf(s.child.pid, 'redis-server');
    expect(redisServers).toHaveLength(1);
    expect(count(s, 'embedded Redis started')).toBe(1);
    // Both processes were handed the primary's socket (REDIS_URL) rather than starting their own.
    expect(count(s, '"redis":"Redis /')).toBe(2);
    expect((await fetch(`${s.baseUrl}/readyz`)).status).toBe(200);

    await s.stop();
    expect(redisServers.filter(alive)).toEqual([]);
  });
});
