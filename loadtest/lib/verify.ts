/**
 * bench-orders' consistency check over HTTP, after the load: per book, stock + units in orders not
 * cancelled == initial; the buyers lost exactly the amounts of paid orders; amounts match the prices;
 * the store lists as many orders as the buyers. Then it compares the server's records with what the
 * client saw: every 200 on record, and extras explained by requests unanswered when a phase stopped.
 */
import * as api from '../scenarios/api.ts';
import {
  asOrders,
  balanceDrift,
  type OrderRecord,
  stockRows,
  type Tally,
  tallyOrders,
} from '../scenarios/consistency.ts';
import { fmt, log } from './common.ts';
import { mapLimit, must } from './http.ts';
import type { Seen } from './order-load.ts';
import type { Buyer, World } from './world.ts';

export interface VerifySpec {
  stockPerBook: number;
  fundsPerBuyer: number;
  concurrency: number;
}

async function buyerState(base: string, buyer: Buyer) {
  const orders: OrderRecord[] = [];
  for (let page = 1; ; page++) {
    const reply = await must(base, api.buyerOrders(buyer.user_id, buyer.password, page));
    const batch = asOrders(reply.orders);
    orders.push(...batch);
    if (batch.length === 0 || orders.length >= (api.numberField(reply, 'total') ?? 0)) break;
  }
  const balance = api.numberField(
    await must(base, api.queryBalance(buyer.user_id, buyer.password)),
    'balance',
  );
  return { orders, balance: balance ?? Number.NaN };
}

/** Stock levels, every buyer's orders and balances, and the store's order count. */
async function readServer(base: string, world: World, concurrency: number) {
  const current: Record<string, number> = {};
  for (const book of world.books) {
    const reply = await must(base, api.getStockLevel(world.store, book.id));
    current[book.id] = api.numberField(reply, 'stock_level') ?? Number.NaN;
  }
  const perBuyer = await mapLimit(world.buyers, concurrency, (buyer) => buyerState(base, buyer));
  const storeList = await must(
    base,
    api.storeOrders(world.seller.user_id, world.seller.password, world.store, 1, 1),
  );
  return {
    current,
    orders: perBuyer.flatMap((b) => b.orders),
    balances: perBuyer.reduce((sum, b) => sum + b.balance, 0),
    storeTotal: api.numberField(storeList, 'total'),
  };
}

type ServerState = Awaited<ReturnType<typeof readServer>>;

/** The totals: stock, balances, amounts, the store's count. Logs them; returns the problems. */
function checkTotals(world: World, state: ServerState, tally: Tally, spec: VerifySpec): string[] {
  const problems: string[] = [];
  const initial: Record<string, number> = {};
  for (const book of world.books) initial[book.id] = spec.stockPerBook;
  const rows = stockRows(initial, state.current, tally.soldByBook);
  const funded = spec.fundsPerBuyer * world.buyers.length;
  const drift = balanceDrift(funded, state.balances, tally.paidAmount);
  log(
    `  orders on record: ${fmt(tally.orders)} (${Object.entries(tally.byStatus)
      .map(([s, n]) => `${s} ${fmt(n)}`)
      .join(', ')}); the store lists ${fmt(state.storeTotal ?? Number.NaN)}`,
  );
  for (const row of rows) {
    const verdict = row.drift === 0 ? 'OK' : `DRIFT ${row.drift}`;
    log(
      `  stock ${row.book}: ${fmt(row.current)} + sold ${fmt(row.sold)} = ${fmt(row.current + row.sold)} vs initial ${fmt(row.initial)}  ${verdict}`,
    );
    if (row.drift !== 0) problems.push(`stock of ${row.book}: stock + sold - initial = ${row.drift}`);
  }
  log(
    `  balances: funded ${fmt(funded)} - now ${fmt(state.balances)} = ${fmt(funded - state.balances)} vs paid ${fmt(tally.paidAmount)} (${fmt(tally.paidCount)} orders)  ${drift === 0 ? 'OK' : `DRIFT ${fmt(drift)}`}`,
  );
  if (drift !== 0) problems.push(`buyers' balances: (funded - now) - paid = ${drift} cents`);
  if (tally.badAmounts.length)
    problems.push(`${tally.badAmounts.length} orders with wrong amounts, e.g. ${tally.badAmounts[0]}`);
  if (state.storeTotal !== tally.orders)
    problems.push(`store lists ${state.storeTotal} orders, the buyers ${tally.orders}`);
  return problems;
}

/** Every 200 must be on record; extra orders only from requests the client never saw answered. */
function crossCheckOrders(seen: Seen, byId: Map<string, OrderRecord>, tally: Tally): string[] {
  const problems: string[] = [];
  const missing = seen.orders.filter((o) => !byId.has(o.id)).length;
  const unanswered = seen.newOrderSent - seen.newOrderAnswered;
  const extra = tally.orders - (seen.orders.length - missing);
  log(
    `  client saw ${fmt(seen.newOrderOk)} new_order 200s (${fmt(unanswered)} unanswered when a phase stopped); server has ${fmt(extra)} orders the client did not see, ${fmt(missing)} seen-but-missing`,
  );
  if (missing) problems.push(`${missing} orders answered 200 are not on record`);
  if (extra < 0 || extra > unanswered)
    problems.push(`${extra} orders on record not explained by ${unanswered} unanswered requests`);
  return problems;
}

/** Every pay 200 must show as paid; an unanswered pay may have gone either way; nothing else is paid. */
function crossCheckPayments(seen: Seen, byId: Map<string, OrderRecord>): string[] {
  let paidSeen = 0;
  let paidUnanswered = 0;
  let wrongState = 0;
  for (const o of seen.orders) {
    const status = byId.get(o.id)?.status ?? 'absent';
    const paid = status === 'paid' || status === 'shipped' || status === 'received';
    if (o.pay === 200) {
      paidSeen++;
      if (!paid) wrongState++;
    } else if (o.pay === 'sent') {
      if (paid) paidUnanswered++;
    } else if (paid) wrongState++;
  }
  log(
    `  client saw ${fmt(paidSeen)} pay 200s; ${fmt(paidUnanswered)} more orders were paid by requests unanswered when the phase stopped; ${fmt(wrongState)} in a state the answers contradict`,
  );
  return wrongState ? [`${wrongState} orders whose status contradicts the pay answers`] : [];
}

export async function verify(base: string, world: World, seen: Seen, spec: VerifySpec): Promise<string[]> {
  const state = await readServer(base, world, spec.concurrency);
  const tally = tallyOrders(state.orders, world.prices);
  log();
  log('verification (over HTTP, after the load):');
  const problems = checkTotals(world, state, tally, spec);
  // Cross-check with what the client saw: every 200 must be on record; any extra order must be
  // explained by a request whose answer the client never read (in flight when a phase stopped).
  const byId = new Map(state.orders.map((o) => [o.order_id, o]));
  problems.push(...crossCheckOrders(seen, byId, tally));
  problems.push(...crossCheckPayments(seen, byId));
  log(`  consistency: ${problems.length === 0 ? 'OK' : 'FAILED'}`);
  return problems;
}
