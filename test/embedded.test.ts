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
import { startServer } from './support/server-process.ts';

describe('embedded Redis', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bookstore-embedded-'));
  const env = { DATA_DIR: dataDir, REDIS_URL: undefined, REDIS_CLUSTER_NODES: undefined, KEY_PREFIX: 'bs' };
  afterAll(async () => {
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
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps users across a clean restart and across a SIGKILL of the server', async () => {
    const user_id = uid('persist');
    const password = 'pw';
    let server = await startServer('node', env);
    await expectOk(httpClient(server.baseUrl).post('/auth/register', { user_id, password }));
    await expectOk(httpClient(server.baseUrl).post('/buyer/add_funds', { user_id, password, add_value: 42 }));
    await server.stop();

    server = await startServer('node', env);
    const balance = await httpClient(server.baseUrl).post('/buyer/query_balance', { user_id, password });
    expect(balance.body.balance).toBe(42);
    await server.kill('SIGKILL');

    server = await startServer('node', env);
    expect(server.output()).not.toMatch(/error/i);
    const again = await httpClient(server.baseUrl).post('/auth/login', { user_id, password, terminal: 't' });
    expect(again.status).toBe(200);
    await server.stop();
  });
});
