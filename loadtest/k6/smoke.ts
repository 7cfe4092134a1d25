/**
 * k6 smoke: one VU, one pass through every step the load tests use (healthz, register, login,
 * add_funds, create_store, add_book, new_order, pay), then the same invariants as orders.ts. Run it
 * before a load run to see that the target answers as the contract says.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:5000 loadtest/k6/smoke.ts
 */
import { check } from 'k6';
import type { Options } from 'k6/options';
import * as api from '../scenarios/api.ts';
import { orderLines, runTag } from '../scenarios/catalog.ts';
import { buildWorld, send, verifyWorld } from './world.ts';

export const options: Options = {
  scenarios: {
    smoke: { executor: 'per-vu-iterations', vus: 1, iterations: 1, maxDuration: '2m' },
  },
  thresholds: {
    checks: ['rate==1'],
    http_req_failed: ['rate==0'],
  },
};

export default function smoke(): void {
  check(send(api.healthz()), { 'healthz 200': (r) => r.status === 200 });
  const spec = { buyers: 2, books: 2, stockPerBook: 100, fundsPerBuyer: 100_000 };
  const world = buildWorld(runTag(Date.now(), Math.random()), spec);
  for (let seq = 0; seq < 4; seq++) {
    const buyer = world.buyers[seq % world.buyers.length];
    if (!buyer) return;
    const created = send(api.newOrder(buyer.user_id, buyer.token, world.store, orderLines(seq, world.books)));
    const orderId = api.stringField(created.reply, 'order_id');
    check(created, { 'new_order 200 with order_id': (r) => r.status === 200 && orderId !== undefined });
    if (!orderId) continue;
    check(send(api.pay(buyer.user_id, buyer.password, orderId)), { 'pay 200': (r) => r.status === 200 });
    check(send(api.pay(buyer.user_id, buyer.password, orderId), [527]), {
      'second pay 527': (r) => r.status === 527 && r.reply?.code === 527,
    });
  }
  const verdict = verifyWorld(world);
  check(verdict, {
    'stock + sold == initial': (v) => v.rows.every((row) => row.drift === 0),
    'balances dropped by exactly the paid amounts': (v) => v.balanceDrift === 0,
    'order amounts match prices': (v) => v.tally.badAmounts.length === 0,
    'four paid orders': (v) => v.tally.paidCount === 4,
    'no other problem': (v) => v.problems.length === 0,
  });
}
