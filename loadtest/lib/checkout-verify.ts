/**
 * The checks after the checkout load, over HTTP: the invariants of ../scenarios/consistency.ts on
 * what the server answers (every book's stock + units in orders not cancelled == initial stock, the
 * buyers' balances down by exactly the paid amounts, amounts at the listed prices, the stores list as
 * many orders as the buyers), then the server's records against the client's: every order answered
 * 200 on record, every payment answered 200 paid, and anything more explained by requests that were
 * still unanswered when a closed-loop run stopped.
 */

import { type CheckoutWorld, storeStock, storeTotals } from '../scenarios/checkout.ts';
import { judge, PAID_STATES, type Verdict } from '../scenarios/consistency.ts';
import { buyerState } from '../scenarios/world.ts';
import { fmt, log } from './common.ts';
import { mapLimit, run } from './http.ts';
import type { PairLog } from './pair-log.ts';
import { CONCURRENCY } from './world.ts';

const okOr = (drift: number) => (drift === 0 ? 'OK' : `DRIFT ${fmt(drift)}`);

function logVerdict(label: string, v: Verdict, storeTotal: number) {
  const byStatus = Object.entries(v.tally.byStatus).map(([s, n]) => `${s} ${fmt(n)}`);
  const drifting = v.rows.filter((r) => r.drift !== 0);
  const sold = v.rows.reduce((sum, r) => sum + r.sold, 0);
  log(
    `  ${label}: orders on record ${fmt(v.tally.orders)} (${byStatus.join(', ')}); the stores list ${fmt(storeTotal)}`,
  );
  log(
    `  ${label}: stock of ${fmt(v.rows.length)} books: stock + sold == initial for ${fmt(v.rows.length - drifting.length)} (${fmt(sold)} units sold)  ${okOr(drifting.length)}`,
  );
  log(
    `  ${label}: balances: funded - now = ${fmt(v.tally.paidAmount + v.balanceDrift)} vs paid ${fmt(v.tally.paidAmount)} (${fmt(v.tally.paidCount)} orders)  ${okOr(v.balanceDrift)}`,
  );
}

/** Compares the records with the client's logs; the problems. */
function crossCheck(label: string, logs: readonly PairLog[], statuses: Map<string, string>): string[] {
  const created = logs.flatMap((l) => l.created ?? []);
  const paid = logs.flatMap((l) => l.paid ?? []);
  const unansweredOrders = logs.reduce((sum, l) => sum + l.newOrder.sent - l.newOrder.answered, 0);
  const unansweredPays = logs.reduce((sum, l) => sum + l.pay.sent - l.pay.answered, 0);
  const missing = created.filter((id) => !statuses.has(id)).length;
  const notPaid = paid.filter((id) => !PAID_STATES.includes(statuses.get(id) ?? '')).length;
  const paidOnRecord = [...statuses.values()].filter((s) => PAID_STATES.includes(s)).length;
  const extraOrders = statuses.size - (created.length - missing);
  const extraPaid = paidOnRecord - (paid.length - notPaid);
  log(
    `  ${label}: client saw ${fmt(created.length)} orders and ${fmt(paid.length)} payments answered 200; on record besides: ${fmt(extraOrders)} orders, ${fmt(extraPaid)} payments (requests unanswered when a run stopped: ${fmt(unansweredOrders)} new_order, ${fmt(unansweredPays)} pay)`,
  );
  const problems: string[] = [];
  if (missing) problems.push(`${label}: ${missing} orders answered 200 are not on record`);
  if (notPaid) problems.push(`${label}: ${notPaid} orders whose payment answered 200 are not paid`);
  if (extraOrders < 0 || extraOrders > unansweredOrders)
    problems.push(
      `${label}: ${extraOrders} orders on record not explained by ${unansweredOrders} unanswered requests`,
    );
  if (extraPaid < 0 || extraPaid > unansweredPays)
    problems.push(
      `${label}: ${extraPaid} payments on record not explained by ${unansweredPays} unanswered requests`,
    );
  return problems;
}

/** Reads the world back, judges it and cross-checks it with `logs` (which must have kept the ids). */
export async function verifyCheckout(
  label: string,
  base: string,
  world: CheckoutWorld,
  logs: readonly PairLog[],
): Promise<string[]> {
  const stocks = await mapLimit(world.stores, CONCURRENCY, (store) => run(base, storeStock(store)));
  const states = await mapLimit(world.buyers, CONCURRENCY, (buyer) => run(base, buyerState(buyer)));
  const storeTotal = await run(base, storeTotals(world));
  const orders = states.flatMap((s) => s.orders);
  const balances = states.reduce((sum, s) => sum + s.balance, 0);
  const verdict = judge(world, { stock: Object.assign({}, ...stocks), orders, balances, storeTotal });
  logVerdict(label, verdict, storeTotal);
  const statuses = new Map(orders.map((o) => [o.order_id, o.status]));
  return [...verdict.problems.map((p) => `${label}: ${p}`), ...crossCheck(label, logs, statuses)];
}
