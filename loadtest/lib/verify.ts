/**
 * bench-orders' checks over HTTP, after the load: the invariants of ../scenarios/consistency.ts on
 * what the server answers, then the server's records against what the client saw: every 200 on
 * record, and extras explained by requests unanswered when a phase stopped.
 */
import { judge, type OrderRecord, PAID_STATES, type Verdict } from '../scenarios/consistency.ts';
import type { World } from '../scenarios/world.ts';
import { fmt, log } from './common.ts';
import type { Seen } from './order-load.ts';
import { readWorld } from './world.ts';

const okOr = (drift: number) => (drift === 0 ? 'OK' : `DRIFT ${fmt(drift)}`);

function logVerdict(v: Verdict, balances: number, storeTotal: number | undefined) {
  const byStatus = Object.entries(v.tally.byStatus).map(([s, n]) => `${s} ${fmt(n)}`);
  log(
    `  orders on record: ${fmt(v.tally.orders)} (${byStatus.join(', ')}); the store lists ${fmt(storeTotal ?? Number.NaN)}`,
  );
  for (const r of v.rows)
    log(
      `  stock ${r.book}: ${fmt(r.current)} + sold ${fmt(r.sold)} = ${fmt(r.current + r.sold)} vs initial ${fmt(r.initial)}  ${okOr(r.drift)}`,
    );
  log(
    `  balances: funded ${fmt(v.funded)} - now ${fmt(balances)} = ${fmt(v.funded - balances)} vs paid ${fmt(v.tally.paidAmount)} (${fmt(v.tally.paidCount)} orders)  ${okOr(v.balanceDrift)}`,
  );
}

/** Every 200 must be on record; extra orders only from requests the client never saw answered. */
function crossCheckOrders(seen: Seen, byId: Map<string, OrderRecord>, onRecord: number): string[] {
  const missing = seen.orders.filter((o) => !byId.has(o.id)).length;
  const unanswered = seen.newOrderSent - seen.newOrderAnswered;
  const extra = onRecord - (seen.orders.length - missing);
  log(
    `  client saw ${fmt(seen.newOrderOk)} new_order 200s (${fmt(unanswered)} unanswered when a phase stopped); server has ${fmt(extra)} orders the client did not see, ${fmt(missing)} seen-but-missing`,
  );
  const problems = missing ? [`${missing} orders answered 200 are not on record`] : [];
  if (extra < 0 || extra > unanswered)
    problems.push(`${extra} orders on record not explained by ${unanswered} unanswered requests`);
  return problems;
}

/** Every pay 200 must show as paid; an unanswered pay may have gone either way; nothing else is paid. */
function crossCheckPayments(seen: Seen, byId: Map<string, OrderRecord>): string[] {
  let [paidSeen, paidUnanswered, wrongState] = [0, 0, 0];
  for (const o of seen.orders) {
    const paid = PAID_STATES.includes(byId.get(o.id)?.status ?? 'absent');
    if (o.pay === 200) paidSeen++;
    if (o.pay === 'sent' && paid) paidUnanswered++;
    if ((o.pay === 200 && !paid) || (o.pay !== 200 && o.pay !== 'sent' && paid)) wrongState++;
  }
  log(
    `  client saw ${fmt(paidSeen)} pay 200s; ${fmt(paidUnanswered)} more orders were paid by requests unanswered when the phase stopped; ${fmt(wrongState)} in a state the answers contradict`,
  );
  return wrongState ? [`${wrongState} orders whose status contradicts the pay answers`] : [];
}

export async function verify(base: string, world: World, seen: Seen): Promise<string[]> {
  const reading = await readWorld(base, world);
  const verdict = judge(world, reading);
  log('\nverification (over HTTP, after the load):');
  logVerdict(verdict, reading.balances, reading.storeTotal);
  const byId = new Map(reading.orders.map((o) => [o.order_id, o]));
  const problems = [...verdict.problems, ...crossCheckOrders(seen, byId, verdict.tally.orders)];
  problems.push(...crossCheckPayments(seen, byId));
  log(`  consistency: ${problems.length === 0 ? 'OK' : 'FAILED'}`);
  return problems;
}
