/**
 * The embedded default: with no REDIS_URL the server runs its own redis-server on a Unix socket under
 * DATA_DIR with AOF, so data survives a restart, and a Redis left behind by a killed server is reused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOk, httpClient, uid } from './support/client.ts';
import { stopLeftoverEmbeddedRedis } from './support/redis-process.ts';
import { startServer } from './support/server-process.ts';

describe('embedded Redis', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bookstore-embedded-'));
  const env = { DATA_DIR: dataDir, REDIS_URL: undefined, REDIS_CLUSTER_NODES: undefined, KEY_PREFIX: 'bs' };
  afterAll(async () => {
    await stopLeftoverEmbeddedRedis(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The run id of the Redis answering on the embedded socket: a new one means a new redis-server. */
  async function redisRunId(): Promise<string> {
    const probe = new Redis({ path: join(dataDir, 'redis', 'redis.sock'), lazyConnect: true });
    try {
      await probe.connect();
      return /^run_id:(\w+)/m.exec(await probe.info('server'))?.[1] ?? '';
    } finally {
      probe.disconnect();
    }
  }

  it('keeps users across a clean restart (from the AOF) and across a SIGKILL of the server (same Redis)', async () => {
    const user_id = uid('persist');
    const password = 'pw';
    let server = await startServer('node', env);
    await expectOk(httpClient(server.baseUrl).post('/auth/register', { user_id, password }));
    await expectOk(httpClient(server.baseUrl).post('/buyer/add_funds', { user_id, password, add_value: 42 }));
    const firstRedis = await redisRunId();
    await server.stop();

    // A clean stop stops its Redis too: the next one is a new redis-server that read the AOF.
    server = await startServer('node', env);
    const secondRedis = await redisRunId();
    expect(secondRedis).not.toBe(firstRedis);
    const balance = await httpClient(server.baseUrl).post('/buyer/query_balance', { user_id, password });
    expect(balance.body.balance).toBe(42);
    // A change made by the server about to be killed: it must still be there after the kill.
    await expectOk(httpClient(server.baseUrl).post('/buyer/add_funds', { user_id, password, add_value: 8 }));
    await server.kill('SIGKILL');

    server = await startServer('node', env);
    expect(server.output()).not.toMatch(/error/i);
    // The Redis the killed server left behind is reused, not replaced.
    expect(await redisRunId()).toBe(secondRedis);
    const after = await httpClient(server.baseUrl).post('/buyer/query_balance', { user_id, password });
    expect(after.body.balance).toBe(50);
    await server.stop();
  });
});
