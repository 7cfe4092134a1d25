/**
 * Brings one order's two slots into agreement: the single follow-up for every job. Safe to run any
 * number of times, at any moment:
 * - an unpaid order past its deadline is cancelled (reason "expired");
 * - an order that was never created gets a tombstone, so it never will be;
 * - a cancelled or never-created order's reservation is released, once;
 * - a received order's amount is credited to the seller, once.
 */
import type { StoredOrderStatus } from '../lua/commands.ts';
import type { Deps } from './deps.ts';
import type { OrderRef } from './follow-ups.ts';

/** What reconciling needs: no HTTP, no search, no authentication (the worker process builds just this). */
export type ReconcileDeps = Pick<Deps, 'redis' | 'keys' | 'scripts' | 'actors' | 'now'>;

/** How long a tombstone of a never-created order is kept: far longer than any request lives. */
const TOMBSTONE_MS = 24 * 3600 * 1000;

export interface Reconciled {
  /** The order's status after reconciling (`void`: it was never created). */
  status: StoredOrderStatus;
  /** True when this run cancelled the order for its deadline. */
  expiredNow: boolean;
}

export async function reconcile(d: ReconcileDeps, ref: OrderRef): Promise<Reconciled> {
  const { status, changed } = await d.actors.continue(
    d.scripts.expireOrder(ref.buyer, ref.orderId, d.now(), TOMBSTONE_MS),
  );
  if (status === 'void' || status === 'cancelled') {
    const store = ref.store || (await d.redis.hget(d.keys.order(ref.buyer, ref.orderId), 'store'));
    if (store) await d.actors.continue(d.scripts.releaseReservation(store, ref.orderId));
  }
  if (status === 'received') await payOut(d, ref);
  return { status, expiredNow: status === 'cancelled' && changed };
}

/** A store's owner: the seller of its orders (a store never changes hands). */
export const storeOwner = (d: Pick<ReconcileDeps, 'redis' | 'keys'>, store: string) =>
  d.redis.hget(d.keys.store(store), 'owner');

/**
 * Credits a received order's amount to its seller (once, by the seller's payout ledger). The seller
 * is the store's owner; orders recorded before that rule hold their `seller` themselves.
 */
export async function payOut(d: ReconcileDeps, ref: OrderRef): Promise<void> {
  const [recorded, store, amount] = await d.redis.hmget(
    d.keys.order(ref.buyer, ref.orderId),
    'seller',
    'store',
    'amount',
  );
  const seller = recorded ?? (store ? await storeOwner(d, store) : null);
  if (!seller || !amount) return;
  await d.actors.continue(d.scripts.creditPayout(seller, ref.orderId, amount));
}
