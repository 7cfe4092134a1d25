/**
 * k6: the order path under a constant arrival rate. Each iteration is one buyer placing an order
 * (new_order, token) and paying it (pay_to_platform, password); a light /healthz scenario runs beside
 * it as the latency baseline. setup() builds a fresh world (seller, store with large stock, buyers with
 * funds) over HTTP; teardown() checks the invariants of ../scenarios/consistency.ts.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:5000 -e RATE=50 -e DURATION=30s loadtest/k6/orders.ts
 */
import { check, fail } from 'k6';
import type { Options } from 'k6/options';
import * as api from '../scenarios/api.ts';
import { orderLines, runTag } from '../scenarios/catalog.ts';
import { buildWorld, checkConsistency, send, verifyWorld, type World } from './world.ts';

const RATE = Number(__ENV.RATE ?? 50);
const DURATION = __ENV.DURATION ?? '30s';
const MAX_VUS = Number(__ENV.MAX_VUS ?? 100);
const BUYERS = Number(__ENV.BUYERS ?? 50);
const BOOKS = 4;
const STOCK = 10_000_000;
const FUNDS = 1_000_000_000;

export const options: Options = {
  scenarios: {
    orders: {
      executor: 'constant-arrival-rate',
      exec: 'orders',
      rate: RATE,
      timeUnit: '1s',
      duration: DURATION,
      preAllocatedVUs: Math.min(MAX_VUS, Math.max(10, Math.ceil(RATE / 5))),
      maxVUs: MAX_VUS,
      tags: { phase: 'load' },
    },
    baseline: {
      executor: 'constant-arrival-rate',
      exec: 'baseline',
      rate: 5,
      timeUnit: '1s',
      duration: DURATION,
      preAllocatedVUs: 2,
      maxVUs: 5,
      tags: { phase: 'load' },
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    'http_req_duration{name:healthz}': ['p(99)<200'],
    'http_req_duration{name:new_order}': ['p(50)<200', 'p(99)<1000'],
    'http_req_duration{name:pay}': ['p(50)<200', 'p(99)<1000'],
    'checks{phase:load}': ['rate>0.99'],
    'checks{phase:consistency}': ['rate==1'],
  },
  setupTimeout: '10m',
  teardownTimeout: '10m',
};

export function setup(): World {
  return buildWorld(runTag(Date.now(), Math.random()), {
    buyers: BUYERS,
    books: BOOKS,
    stockPerBook: STOCK,
    fundsPerBuyer: FUNDS,
  });
}

export function orders(world: World): void {
  const buyer = world.buyers[(__VU - 1) % world.buyers.length];
  if (!buyer) fail('no buyers');
  const lines = orderLines(__VU * 1_000_003 + __ITER, world.books);
  const created = send(api.newOrder(buyer.user_id, buyer.token, world.store, lines));
  const orderId = api.stringField(created.reply, 'order_id');
  check(created, { 'new_order 200 with order_id': (r) => r.status === 200 && orderId !== undefined });
  if (!orderId) return;
  const paid = send(api.pay(buyer.user_id, buyer.password, orderId));
  check(paid, { 'pay 200': (r) => r.status === 200 && r.reply?.code === 200 });
}

export function baseline(): void {
  const health = send(api.healthz());
  check(health, { 'healthz 200': (r) => r.status === 200 });
}

export function teardown(world: World): void {
  checkConsistency(verifyWorld(world));
}
