/**
 * The case a Redis outage makes hard for Idempotency-Key: a top-up whose script was already sent when
 * Redis stopped answering. The request answers 503 (outcome unknown) within its deadline, the script
 * runs when Redis resumes, and the retry with the same key must replay that answer, not top up twice.
 * In process, so Redis can be paused at the exact moment (after the key's record is started, as the
 * script is sent); its own redis-server.
 */

import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createDeps } from '../src/deps.ts';
import { createLogger } from '../src/log.ts';
import type { ScriptCall } from '../src/lua/call.ts';
import { defineScripts } from '../src/lua/load.ts';
import { connectRedis } from '../src/redis/connect.ts';
import { expectOk, uid } from './support/client.ts';
import { appClient } from './support/harness.ts';
import { type RedisProcess, startRedis } from './support/redis-process.ts';

const ASK_TIMEOUT_MS = 4_000;
let redis: RedisProcess | undefined;

afterAll(async () => {
  redis?.signal('SIGCONT');
  await redis?.stop();
});

async function serviceOn(server: RedisProcess) {
  const config = { REDIS_URL: server.url, DATA_DIR: '', ASK_TIMEOUT_MS };
  const connection = await connectRedis(config, () => {}, defineScripts);
  const deps = await createDeps(
    connection.client,
    {
      ...loadConfig({}),
      ...config,
      KEY_PREFIX: 'replay',
      ORDER_TIMEOUT_SECONDS: 900,
      TOKEN_TTL_SECONDS: 3600,
      TOKEN_SECRET: undefined,
      MAILBOX_CAPACITY: 100,
      PASSWORD_CACHE_SECONDS: 60,
    },
    createLogger('silent'),
  );
  // Pauses Redis just before the next addFunds script is sent (armed by the test).
  let pauseBeforeTopUp = false;
  const send = <R>(call: ScriptCall<R>): Promise<R> => {
    if (pauseBeforeTopUp && call.script === 'addFunds') {
      pauseBeforeTopUp = false;
      server.signal('SIGSTOP');
    }
    return deps.actors.send(call);
  };
  const app = createApp({ ...deps, actors: { ...deps.actors, send } });
  return {
    client: appClient(app),
    armPause: () => {
      pauseBeforeTopUp = true;
    },
    async close() {
      await deps.close();
      await connection.close();
    },
  };
}

describe('Redis paused while a keyed top-up runs', () => {
  it('answers 503 in time, and the retry with its key replays the top-up Redis ran on resuming', {
    timeout: 60_000,
  }, async () => {
    redis = await startRedis();
    const service = await serviceOn(redis);
    const { client } = service;
    const user = { user_id: uid('payer'), password: 'pw-payer' };
    await expectOk(client.post('/auth/register', user));
    // Verified once, the password is cached: the top-up's script is its first command after the key's.
    await expectOk(client.post('/buyer/add_funds', { ...user, add_value: 100 }));

    const topUp = () =>
      client.post('/buyer/add_funds', { ...user, add_value: 5 }, { 'Idempotency-Key': 'paused-top-up' });
    service.armPause();
    const started = performance.now();
    const first = await topUp();
    const firstMs = performance.now() - started;
    expect(first.status, JSON.stringify(first.body)).toBe(503);
    expect(first.body.message).toMatch(/outcome is unknown/);
    expect(first.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(firstMs).toBeLessThan(ASK_TIMEOUT_MS);
    // Still paused: the retry is refused before anything is sent.
    const whilePaused = await topUp();
    expect(whilePaused.status).toBe(503);
    expect(whilePaused.body.message).toMatch(/nothing was changed/);

    redis.signal('SIGCONT');
    const resumed = performance.now();
    let balance = await client.post('/buyer/query_balance', user);
    while (balance.status !== 200 && performance.now() - resumed < 10_000) {
      await new Promise((r) => setTimeout(r, 50));
      balance = await client.post('/buyer/query_balance', user);
    }
    expect(performance.now() - resumed).toBeLessThan(3_000);
    // The script sent before the pause ran when Redis resumed: the retry replays its answer.
    const retry = await topUp();
    expect(retry.status, JSON.stringify(retry.body)).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const after = await expectOk(client.post('/buyer/query_balance', user));
    expect(after.body.balance).toBe(105);
    await service.close();
  });
});
