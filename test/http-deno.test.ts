/**
 * The HTTP contract (API.md) against the real server on Deno, as a child process on a free port,
 * against the run's Redis under a key prefix of its own.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { contractSuites } from './contract/index.ts';
import { type Client, httpClient } from './support/client.ts';
import { redisEnv, uniquePrefix } from './support/harness.ts';
import { type ServerProcess, startServer } from './support/server-process.ts';

describe('HTTP contract on Deno', () => {
  let server: ServerProcess | undefined;
  let client: Client | undefined;

  beforeAll(async () => {
    server = await startServer('deno', { ...redisEnv(), KEY_PREFIX: uniquePrefix() });
    client = httpClient(server.baseUrl);
  });

  afterAll(async () => {
    await server?.stop();
  });

  contractSuites(() => {
    if (!client) throw new Error('server not started');
    return client;
  });
});
