/**
 * Every contract suite, run by each transport (test/http-node.test.ts, test/http-deno.test.ts).
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { type Client, httpClient } from '../support/client.ts';
import { redisEnv, uniquePrefix } from '../support/harness.ts';
import { type Runtime, type ServerProcess, startServer } from '../support/server-process.ts';
import { authSuite } from './auth.ts';
import { badInputSuite } from './bad-input.ts';
import { buyerFlowSuite } from './buyer-flow.ts';
import { buyerOrdersSuite } from './buyer-orders.ts';
import { fundsSuite } from './funds.ts';
import { ownershipSuite } from './ownership.ts';
import { queriesSuite } from './queries.ts';
import { sellerSuite } from './seller.ts';

export function contractSuites(client: () => Client) {
  authSuite(client);
  sellerSuite(client);
  buyerOrdersSuite(client);
  buyerFlowSuite(client);
  queriesSuite(client);
  fundsSuite(client);
  ownershipSuite(client);
  badInputSuite(client);
}

/** Every contract suite against the real server on `runtime`, a child process on a free port. */
export function contractOverHttp(runtime: Runtime) {
  describe(`HTTP contract on ${runtime === 'node' ? 'Node' : 'Deno'}`, () => {
    let server: ServerProcess | undefined;
    let client: Client | undefined;
    beforeAll(async () => {
      server = await startServer(runtime, { ...redisEnv(), KEY_PREFIX: uniquePrefix() });
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
}
