/**
 * The world of ../scenarios/world.ts over fetch: built with the buyers set up a few at a time (each
 * costs the server an argon2id hash and a verification), and read back for the invariants.
 */
import type { Reading } from '../scenarios/consistency.ts';
import {
  buyerState,
  buyerSteps,
  openStore,
  stockLevels,
  storeOrderCount,
  type World,
  type WorldSpec,
} from '../scenarios/world.ts';
import { fmt, log } from './common.ts';
import { mapLimit, run } from './http.ts';

export const CONCURRENCY = 8;

export async function buildWorld(base: string, tag: string, spec: WorldSpec): Promise<World> {
  const t0 = Date.now();
  const store = await run(base, openStore(tag, spec));
  const buyers = await mapLimit(buyerSteps(tag, spec), CONCURRENCY, (steps) => run(base, steps));
  log(`  world built in ${fmt((Date.now() - t0) / 1000, 1)} s`);
  return { ...store, buyers };
}

/** Stock levels, every buyer's orders and balance, the store's order count. */
export async function readWorld(base: string, world: World): Promise<Reading> {
  const stock = await run(base, stockLevels(world));
  const states = await mapLimit(world.buyers, CONCURRENCY, (buyer) => run(base, buyerState(buyer)));
  return {
    stock,
    orders: states.flatMap((s) => s.orders),
    balances: states.reduce((sum, s) => sum + s.balance, 0),
    storeTotal: await run(base, storeOrderCount(world)),
  };
}
