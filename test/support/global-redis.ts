/**
 * vitest global setup: the real Redis every test file uses. REDIS_URL or REDIS_CLUSTER_NODES when
 * given (CI runs the suite against a cluster too); otherwise a throwaway redis-server on a Unix
 * socket in a temporary directory, stopped when the run ends. Test files isolate themselves by key
 * prefix, which works on a cluster as well. A cluster is checked first (every listed node reachable,
 * cluster_state:ok), so a cluster that is down or not formed fails the run at once with its reason
 * instead of as a timeout in every test file. `scripts/redis-cluster.sh` starts one on loopback.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { TestProject } from 'vitest/node';
import { startEmbeddedRedis } from '../../src/redis/embedded.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisEnv: { REDIS_URL?: string; REDIS_CLUSTER_NODES?: string };
  }
}

/** Throws, naming the node and the reason, unless every node answers and says cluster_state:ok. */
async function checkCluster(list: string): Promise<void> {
  for (const node of list.split(',')) {
    const at = node.lastIndexOf(':');
    const client = new Redis({
      host: node.slice(0, at),
      port: Number(node.slice(at + 1)),
      lazyConnect: true,
      connectTimeout: 5_000,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    let refused = '';
    client.on('error', (error: Error) => (refused ||= error.message));
    try {
      await client.connect();
      const info = String(await client.call('CLUSTER', 'INFO'));
      if (!/^cluster_state:ok\r?$/m.test(info)) {
        const state = /^cluster_state:(\w+)/m.exec(info)?.[1] ?? 'unknown';
        throw new Error(`cluster_state is ${state}`);
      }
    } catch (error) {
      throw new Error(
        `REDIS_CLUSTER_NODES=${list}: node ${node} is not a healthy cluster node (${refused || (error as Error).message}); ` +
          'start one with scripts/redis-cluster.sh',
      );
    } finally {
      client.disconnect();
    }
  }
}

export default async function setup(project: TestProject) {
  if (process.env.REDIS_CLUSTER_NODES) await checkCluster(process.env.REDIS_CLUSTER_NODES);
  if (process.env.REDIS_URL || process.env.REDIS_CLUSTER_NODES) {
    project.provide('redisEnv', {
      REDIS_URL: process.env.REDIS_URL,
      REDIS_CLUSTER_NODES: process.env.REDIS_CLUSTER_NODES,
    });
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bookstore-test-'));
  const redis = await startEmbeddedRedis(dir, () => {}, { detached: false });
  project.provide('redisEnv', { REDIS_URL: `unix://${redis.socket}` });
  return async () => {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
