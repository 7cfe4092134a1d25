/**
 * The pay phase of bench-orders: a warm-up sizes the pool of unpaid orders, new_order runs top it up
 * (bounded in count and in time), then the measured run pays each order once. If the pool still runs
 * out, the run stops early and says so (`exhausted`).
 */
import type { World } from '../scenarios/world.ts';
import { runCannon, Stopper } from './cannon.ts';
import { fmt, log } from './common.ts';
import { newOrderRequests, payRequests, type Seen, unpaidLeft } from './order-load.ts';
import type { Phase } from './phase.ts';
import type { CpuPids } from './proc.ts';

const PAY_WARMUP_SECONDS = 2;
/**
 * Orders prepared for the pay phase: the pay rate seen in its warm-up times this margin (a warm-up
 * runs slower than the steady state), capped by the healthz rate (paying cannot be cheaper than it).
 */
const PAY_POOL_MARGIN = 3;

/** What the order phases share: where to send, the world, the client's record, the warm-ups. */
export interface LoadContext {
  common: { url: string; connections: number; timeout: number };
  seconds: number;
  world: World;
  seen: Seen;
  warmups: Phase[];
  pids: CpuPids;
}

/** A pay run: for `seconds`, or (warm-up) `amount` requests cut off after `seconds`. */
async function payRun(ctx: LoadContext, name: string, seconds: number, amount?: number, pids?: CpuPids) {
  const stopper = new Stopper();
  const pay = payRequests(ctx.world, ctx.seen, stopper);
  const limit = amount === undefined ? { duration: seconds } : { amount };
  const options = { ...ctx.common, ...limit, requests: pay.requests };
  const phase = await runCannon(name, options, {
    stopper,
    pids,
    limitSeconds: amount === undefined ? undefined : seconds,
  });
  return { phase, ok: pay.okCount(), exhausted: stopper.requested };
}

/** Creates `count` more unpaid orders with autocannon (bounded in count, and in time); seconds taken. */
async function topUp(ctx: LoadContext, count: number): Promise<number> {
  const t1 = Date.now();
  const requests = newOrderRequests(ctx.world, ctx.seen);
  const amount = Math.max(count, ctx.common.connections);
  const options = { ...ctx.common, amount, requests };
  ctx.warmups.push(
    await runCannon('pool top-up (new_order)', options, { limitSeconds: Math.max(60, 10 * ctx.seconds) }),
  );
  return (Date.now() - t1) / 1000;
}

/** Warm-up, then tops the pool up to what the measured run can pay; `healthRate` caps the estimate. */
async function preparePool(ctx: LoadContext, healthRate: number): Promise<void> {
  const connections = ctx.common.connections;
  const left = () => unpaidLeft(ctx.seen);
  if (left() < 2 * connections) await topUp(ctx, 2 * connections - left());
  // The warm-up pays at most the orders there are, for at most PAY_WARMUP_SECONDS.
  const warm = await payRun(ctx, 'pay warm-up', PAY_WARMUP_SECONDS, left());
  ctx.warmups.push(warm.phase);
  const payRate = warm.ok / Math.max(warm.phase.seconds, 0.1);
  const wanted = Math.ceil(Math.min(payRate * PAY_POOL_MARGIN, healthRate) * ctx.seconds) + 4 * connections;
  const missing = Math.max(0, wanted - left());
  const took = missing > 0 ? await topUp(ctx, missing) : 0;
  log(
    `  pay pool: ${fmt(left())} unpaid orders for the pay phase (warm-up paid ${fmt(payRate)}/s; topped up ${fmt(missing)} in ${fmt(took, 1)} s)`,
  );
}

/** The whole pay phase; `exhausted` when the pool ran out before the phase's time was up. */
export async function payPhase(ctx: LoadContext, healthRate: number) {
  await preparePool(ctx, healthRate);
  const run = await payRun(ctx, 'pay', ctx.seconds, undefined, ctx.pids);
  return { phase: run.phase, exhausted: run.exhausted };
}
