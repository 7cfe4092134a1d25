/**
 * k6 glue for the scripts: send an `ApiRequest` tagged with its endpoint, run the steps of
 * ../scenarios/world.ts synchronously to build the world in `setup()` and read it back in
 * `teardown()`. The requests, the world and the invariants themselves live in ../scenarios, shared
 * with the Node drivers.
 */
import { check, fail } from 'k6';
import http from 'k6/http';
import * as api from '../scenarios/api.ts';
import { judge, type Verdict } from '../scenarios/consistency.ts';
import {
  buyerState,
  buyerSteps,
  openStore,
  type Steps,
  stockLevels,
  storeOrderCount,
  type World,
  type WorldSpec,
} from '../scenarios/world.ts';

export type { World };

export const BASE_URL = (__ENV.BASE_URL ?? 'http://127.0.0.1:5000').replace(/\/+$/, '');

export interface Sent {
  status: number;
  reply: api.Reply | undefined;
}

/**
 * Sends one request, tagged with its endpoint name. `expected` lists the statuses that do not count
 * in `http_req_failed` (default: only 200, since every contract error code is >= 400).
 */
export function send(req: api.ApiRequest, expected: number[] = [200]): Sent {
  const res = http.request(req.method, BASE_URL + req.path, req.body ?? null, {
    headers: req.headers,
    tags: { name: req.name },
    responseType: 'text',
    responseCallback: http.expectedStatuses(...expected),
  });
  return { status: res.status, reply: api.parseReply(res.body) };
}

/** Runs steps, each request insisting on a 200: a failure stops the test with the answer. */
export function run<T>(steps: Steps<T>): T {
  let step = steps.next();
  while (!step.done) {
    const req = step.value;
    const sent = send(req);
    if (sent.status !== 200 || !sent.reply)
      fail(`${req.name} ${req.path}: HTTP ${sent.status} ${JSON.stringify(sent.reply ?? null)}`);
    step = steps.next(sent.reply);
  }
  return step.value;
}

export function buildWorld(tag: string, spec: WorldSpec): World {
  return { ...run(openStore(tag, spec)), buyers: buyerSteps(tag, spec).map(run) };
}

/** Reads stock, every buyer's orders and balance and the store's count, and checks the invariants. */
export function verifyWorld(world: World): Verdict {
  const states = world.buyers.map((buyer) => run(buyerState(buyer)));
  return judge(world, {
    stock: run(stockLevels(world)),
    orders: states.flatMap((s) => s.orders),
    balances: states.reduce((sum, s) => sum + s.balance, 0),
    storeTotal: run(storeOrderCount(world)),
  });
}

/** teardown()'s verdict as k6 checks (tag phase=consistency); the run fails when one does not hold. */
export function checkConsistency(verdict: Verdict): void {
  const consistent = check(
    verdict,
    {
      'stock + sold == initial': (v) => v.rows.every((row) => row.drift === 0),
      'balances dropped by exactly the paid amounts': (v) => v.balanceDrift === 0,
      'order amounts match prices': (v) => v.tally.badAmounts.length === 0,
      'no other problem (the stores list every order)': (v) => v.problems.length === 0,
    },
    { phase: 'consistency' },
  );
  if (!consistent) fail(`consistency: ${verdict.problems.join('; ')}`);
}
