/**
 * k6: the checkout workload of ../scenarios/checkout.ts, the same as `npm run bench:orders` drives
 * with autocannon. setup() builds the world (2 sellers x 2 stores x 100 books of large stock, 10
 * buyers with funds); each iteration is checkout pair number `iterationInTest`: new_order of 1-10
 * books x 1-10 copies from one store, then pay_to_platform of that order. Closed loop by default
 * (VUS users, each starting its next pair once the last is answered, like the bench's
 * BENCH_CONNECTIONS), or an open loop at RATE pairs/s (the bench's half-peak phase: arrivals on a
 * schedule, so a slow answer does not slow the load). teardown() reads the world back and judges it.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:5000 -e VUS=50 -e DURATION=30s loadtest/k6/checkout.ts
 *   k6 run -e BASE_URL=http://127.0.0.1:5000 -e RATE=400 -e DURATION=30s loadtest/k6/checkout.ts
 */
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import type { Options, Scenario } from 'k6/options';
import * as api from '../scenarios/api.ts';
import { runTag } from '../scenarios/catalog.ts';
import {
  type CheckoutWorld,
  COURSE,
  checkoutBuyers,
  checkoutSellers,
  checkoutWorld,
  orderRequest,
  pairPlan,
  payRequest,
  storeStock,
  storeTotals,
  succeeded,
} from '../scenarios/checkout.ts';
import { judge, type Verdict } from '../scenarios/consistency.ts';
import { buyerState } from '../scenarios/world.ts';
import { checkConsistency, run, send } from './world.ts';

const VUS = Number(__ENV.VUS ?? 50);
const RATE = Number(__ENV.RATE ?? 0);
const DURATION = __ENV.DURATION ?? '30s';
const MAX_VUS = Number(__ENV.MAX_VUS ?? 200);

const pairs = new Counter('checkout_pairs');
const pairDuration = new Trend('checkout_pair_duration', true);

const closed: Scenario = { executor: 'constant-vus', exec: 'checkout', vus: VUS, duration: DURATION };
const open: Scenario = {
  executor: 'constant-arrival-rate',
  exec: 'checkout',
  rate: RATE,
  timeUnit: '1s',
  duration: DURATION,
  preAllocatedVUs: Math.min(MAX_VUS, Math.max(10, Math.ceil(RATE / 20))),
  maxVUs: MAX_VUS,
};

export const options: Options = {
  scenarios: { checkout: RATE > 0 ? open : closed },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{name:new_order}': ['p(99)<1000'],
    'http_req_duration{name:pay}': ['p(99)<1000'],
    'checks{phase:load}': ['rate>0.99'],
    'checks{phase:consistency}': ['rate==1'],
  },
  setupTimeout: '10m',
  teardownTimeout: '10m',
};

export function setup(): CheckoutWorld {
  const tag = runTag(Date.now(), Math.random());
  const sellers = checkoutSellers(tag, COURSE).map((steps) => run(steps));
  return checkoutWorld(
    COURSE,
    sellers,
    checkoutBuyers(tag, COURSE).map((steps) => run(steps)),
  );
}

export function checkout(world: CheckoutWorld): void {
  const plan = pairPlan(exec.scenario.iterationInTest, world);
  const started = Date.now();
  const created = send(orderRequest(plan));
  const orderId = api.stringField(created.reply, 'order_id');
  const ordered = succeeded(created.status, created.reply) && orderId !== undefined;
  check(created, { 'new_order 200, code 200, order_id': () => ordered }, { phase: 'load' });
  if (!orderId || !ordered) return;
  const paid = send(payRequest(plan, orderId));
  const ok = check(paid, { 'pay 200, code 200': (r) => succeeded(r.status, r.reply) }, { phase: 'load' });
  if (!ok) return;
  pairs.add(1);
  pairDuration.add(Date.now() - started);
}

/** Stock of every book, every buyer's orders and balance, the stores' order count; then `judge`. */
function verifyCheckout(world: CheckoutWorld): Verdict {
  const stock = Object.assign({}, ...world.stores.map((store) => run(storeStock(store))));
  const states = world.buyers.map((buyer) => run(buyerState(buyer)));
  return judge(world, {
    stock,
    orders: states.flatMap((s) => s.orders),
    balances: states.reduce((sum, s) => sum + s.balance, 0),
    storeTotal: run(storeTotals(world)),
  });
}

export function teardown(world: CheckoutWorld): void {
  checkConsistency(verifyCheckout(world));
}
