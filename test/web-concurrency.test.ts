/**
 * WEB_CONCURRENCY on Node (src/cluster.ts): several server processes share one port, the order
 * workers run only as configured (in one process), a process that dies is replaced while the others
 * keep serving, and SIGTERM stops them all.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { QUEUE_NAME } from '../src/jobs/catalog.ts';
import { keySpace } from '../src/redis/keys.ts';
import { redisEnv, uniquePrefix } from './support/harness.ts';
import { type ServerProcess, startServer } from './support/server-process.ts';

/** The live processes whose parent is `pid` and that run the server. */
function serverChildren(pid: number | undefined): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === pid && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('src/server.ts');
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const listening = (server: ServerProcess) => server.output().split('listening on http').length - 1;

describe('WEB_CONCURRENCY=2 on Node', () => {
  const prefix = uniquePrefix();
  let server: ServerProcess | undefined;
  afterAll(() => server?.stop());

  it('serves one port from two processes with the order workers in one, and replaces a killed one', {
    timeout: 120_000,
  }, async () => {
    const env = {
      ...redisEnv(),
      KEY_PREFIX: prefix,
      WEB_CONCURRENCY: '2',
      WORKERS: 'inline',
      LOG_LEVEL: 'info',
    };
    server = await startServer('node', env);
    const s = server;
    await until('both processes listening', () => listening(s) === 2);
    const children = serverChildren(s.child.pid);
    expect(children).toHaveLength(2);

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
    const replaced = serverChildren(s.child.pid);
    expect(replaced).toHaveLength(2);
    expect(replaced).not.toContain(children[0]);

    await s.stop();
    expect(serverChildren(s.child.pid)).toEqual([]);
    expect(children.concat(replaced).filter((pid) => readdirSync('/proc').includes(String(pid)))).toEqual([]);
  });
});
