/**
 * Brings one order's two slots into agreement: the single follow-up for every job. Safe to run any
 * number of times, at any moment:
 * - an unpaid order past its deadline is cancelled (reason "expired");
 * - an order that was never created gets a tombstone, so it never will be;
 * - a cancelled or never-created order's reservation is released, once;
 * - a received order's amount is credited to the seller, once.
 */
import type { OrderRef } from '../jobs/catalog.ts';
import { expectOk } from '../lua/codes.ts';
import type { Deps } from './deps.ts';

/** How long a tombstone of a never-created order is kept: far longer than any request lives. */
const TOMBSTONE_MS = 24 * 3600 * 1000;

export interface Reconciled {
  /** The order's status after reconciling (`void`: it was never created). */
  status: string;
  /** True when this run cancelled the order for its deadline. */
  expiredNow: boolean;
}

export async function reconcile(d: Deps, ref: OrderRef): Promise<Reconciled> {
  const subject = { user_id: ref.buyer, store_id: ref.store, order_id: ref.orderId };
  const reply = expectOk(
    await d.actors.continueUser(ref.buyer, {
      type: 'expire',
      orderId: ref.orderId,
      now: d.now(),
      tombstoneMs: TOMBSTONE_MS,
    }),
    subject,
  );
  const [status = '', changed] = reply.values;
  if (status === 'void' || status === 'cancelled') {
    const store = ref.store || (await d.redis.hget(d.keys.order(ref.buyer, ref.orderId), 'store'));
    if (store)
      expectOk(await d.actors.continueStore(store, { type: 'release', orderId: ref.orderId }), subject);
  }
  if (status === 'received') await payOut(d, ref);
  return { status, expiredNow: status === 'cancelled' && changed === '1' };
}

/** Credits a received order's amount to its seller (once, by the seller's payout ledger). */
export async function payOut(d: Deps, ref: OrderRef): Promise<void> {
  const [seller, amount] = await d.redis.hmget(d.keys.order(ref.buyer, ref.orderId), 'seller', 'amount');
  if (!seller || !amount) return;
  expectOk(await d.actors.continueUser(seller, { type: 'creditPayout', orderId: ref.orderId, amount }), {
    user_id: seller,
    order_id: ref.orderId,
  });
}
