/**
 * The order traffic of bench-orders and the client's record of it. new_order request `seq` is from
 * buyer seq % N with the lines orderLines(seq), and every 200 adds its order to an unpaid pool; a pay
 * run pays each pool order once. The `Seen` record is what verify.ts compares with the server's.
 */
import type autocannon from 'autocannon';
import * as api from '../scenarios/api.ts';
import { orderAmount, orderLines } from '../scenarios/catalog.ts';
import type { Account, World } from '../scenarios/world.ts';
import { cannonRequest, type Stopper } from './cannon.ts';

/** An order the bench created and whether it paid for it. */
export interface Order {
  id: string;
  buyer: number;
  amount: number;
  /** Pay phase: 'unsent', 'sent' (no answer seen), or the HTTP status seen. */
  pay: 'unsent' | 'sent' | number;
}

/** Bookkeeping of what the client saw, to cross-check the server's records. */
export interface Seen {
  newOrderSent: number;
  newOrderAnswered: number;
  newOrderOk: number;
  orders: Order[];
  payFillers: number;
}

export const newSeen = (): Seen => ({
  newOrderSent: 0,
  newOrderAnswered: 0,
  newOrderOk: 0,
  orders: [],
  payFillers: 0,
});

export const unpaidLeft = (seen: Seen) => seen.orders.filter((o) => o.pay === 'unsent').length;

const payRequest = (world: World, order: Order, request: autocannon.Request) => {
  const buyer = world.buyers[order.buyer] as Account;
  return cannonRequest(api.pay(buyer.user_id, buyer.password, order.id), request);
};

/** new_order phase: request `seq` is buyer seq % N with lines orderLines(seq); answers fill the pool. */
export function newOrderRequests(world: World, seen: Seen): autocannon.Request[] {
  type Ctx = { buyer?: number; amount?: number };
  const setupRequest = (request: autocannon.Request, context: Ctx) => {
    const seq = seen.newOrderSent++;
    const index = seq % world.buyers.length;
    const buyer = world.buyers[index] as Account;
    const lines = orderLines(seq, world.books);
    context.buyer = index;
    context.amount = orderAmount(lines, world.prices);
    return cannonRequest(api.newOrder(buyer.user_id, buyer.token, world.store, lines), request);
  };
  const onResponse = (status: number, body: string, { buyer, amount }: Ctx) => {
    seen.newOrderAnswered++;
    const id = status === 200 ? api.stringField(api.parseReply(body), 'order_id') : undefined;
    if (!id || buyer === undefined || amount === undefined) return;
    seen.newOrderOk++;
    seen.orders.push({ id, buyer, amount, pay: 'unsent' });
  };
  return [{ setupRequest, onResponse } as autocannon.Request];
}

/**
 * pay phase: each request pays the next unpaid order of the pool, once. When the pool runs out it
 * stops the run, and the requests still set up pay the pool's first order again (answering 527), so
 * they show as non-2xx rather than as throughput.
 */
export function payRequests(world: World, seen: Seen, stopper: Stopper) {
  type Ctx = { order?: Order };
  let ok = 0;
  let next = seen.orders.findIndex((o) => o.pay === 'unsent');
  if (next < 0) next = seen.orders.length;
  const setupRequest = (request: autocannon.Request, context: Ctx) => {
    const order = seen.orders[next];
    context.order = order;
    if (!order) {
      seen.payFillers++;
      stopper.stop();
      return payRequest(world, seen.orders[0] as Order, request);
    }
    next++;
    order.pay = 'sent';
    return payRequest(world, order, request);
  };
  const onResponse = (status: number, _body: string, { order }: Ctx) => {
    if (!order) return;
    order.pay = status;
    if (status === 200) ok++;
  };
  return { requests: [{ setupRequest, onResponse } as autocannon.Request], okCount: () => ok };
}
