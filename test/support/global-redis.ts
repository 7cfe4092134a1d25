/**
 * vitest global setup: the real Redis every test file uses. REDIS_URL or REDIS_CLUSTER_NODES when
 * given (CI runs the suite against a cluster too); otherwise a throwaway redis-server on a Unix
 * socket in a temporary directory, stopped when the run ends. Test files isolate themselves by key
 * prefix, which works on a cluster as well.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedRedis } from '../../src/redis/embedded.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisEnv: { REDIS_URL?: string; REDIS_CLUSTER_NODES?: string };
  }
}

export default async function setup(project: TestProject) {
  if (process.env.REDIS_URL || process.env.REDIS_CLUSTER_NODES) {
    project.provide('redisEnv', {
      REDIS_URL: process.env.REDIS_URL,
      REDIS_CLUSTER_NODES: process.env.REDIS_CLUSTER_NODES,
    });
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bookstore-test-'));
  const redis = await startEmbeddedRedis(dir, () => {});
  project.provide('redisEnv', { REDIS_URL: `unix://${redis.socket}` });
  return async () => {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
