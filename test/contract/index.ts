/**
 * Every contract suite, run by each transport (test/http-node.test.ts, test/http-deno.test.ts).
 */
import type { Client } from '../support/client.ts';
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
