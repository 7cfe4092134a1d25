/**
 * The order traffic of bench-orders and the client's record of it. new_order request `seq` is from
 * buyer seq % N with the lines orderLines(seq), and every 200 adds its order to an unpaid pool; a pay
 * run pays each pool order once. The `Seen` record is what verify.ts compares with the server's.
 */
import type autocannon from 'autocannon';
import * as api from '../scenarios/api.ts';
import { orderAmount, orderLines } from '../scenarios/catalog.ts';
import { cannonRequest } from './cannon.ts';
import type { Buyer, World } from './world.ts';

/** A paid-or-not record of every order the bench created. */
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
  newOrderStatuses: Map<number, number>;
  orders: Order[];
  payFillers: number;
}

export const newSeen = (): Seen => ({
  newOrderSent: 0,
  newOrderAnswered: 0,
  newOrderOk: 0,
  newOrderStatuses: new Map<number, number>(),
  orders: [],
  payFillers: 0,
});

export const unpaidLeft = (seen: Seen) => seen.orders.filter((o) => o.pay === 'unsent').length;

/** new_order phase: request `seq` is buyer seq % N with lines orderLines(seq); answers fill the pool. */
export function newOrderRequests(world: World, seen: Seen): autocannon.Request[] {
  interface Ctx {
    buyer?: number;
    amount?: number;
  }
  return [
    {
      setupRequest: (request, context) => {
        const ctx = context as Ctx;
        const seq = seen.newOrderSent++;
        const index = seq % world.buyers.length;
        const buyer = world.buyers[index] as Buyer;
        const lines = orderLines(seq, world.books);
        ctx.buyer = index;
        ctx.amount = orderAmount(lines, world.prices);
        return cannonRequest(api.newOrder(buyer.user_id, buyer.token, world.store, lines), request);
      },
      onResponse: (status, body, context) => {
        const ctx = context as Ctx;
        seen.newOrderAnswered++;
        seen.newOrderStatuses.set(status, (seen.newOrderStatuses.get(status) ?? 0) + 1);
        if (status !== 200) return;
        const id = api.stringField(api.parseReply(body), 'order_id');
        if (!id || ctx.buyer === undefined || ctx.amount === undefined) return;
        seen.newOrderOk++;
        seen.orders.push({ id, buyer: ctx.buyer, amount: ctx.amount, pay: 'unsent' });
      },
    },
  ];
}

/**
 * A request that must answer 527 (the pool's first order, paid or being paid already), sent when the
 * pool is exhausted so the phase's remaining requests show as non-2xx rather than as throughput.
 */
function fillerRequest(world: World, seen: Seen, request: autocannon.Request): autocannon.Request {
  seen.payFillers++;
  const first = seen.orders[0] as Order;
  const buyer = world.buyers[first.buyer] as Buyer;
  return cannonRequest(api.pay(buyer.user_id, buyer.password, first.id), request);
}

/** pay phase: each request pays the next unpaid order of the pool, once; `stop` when it runs out. */
export function payRequests(
  world: World,
  seen: Seen,
  stop: () => void,
): { requests: autocannon.Request[]; okCount: () => number } {
  interface Ctx {
    order?: Order;
  }
  let ok = 0;
  let next = seen.orders.findIndex((o) => o.pay === 'unsent');
  if (next < 0) next = seen.orders.length;
  return {
    okCount: () => ok,
    requests: [
      {
        setupRequest: (request, context) => {
          const ctx = context as Ctx;
          const order = seen.orders[next];
          if (!order) {
            const filler = fillerRequest(world, seen, request);
            stop();
            ctx.order = undefined;
            return filler;
          }
          next++;
          order.pay = 'sent';
          ctx.order = order;
          const buyer = world.buyers[order.buyer] as Buyer;
          return cannonRequest(api.pay(buyer.user_id, buyer.password, order.id), request);
        },
        onResponse: (status, _body, context) => {
          const order = (context as Ctx).order;
          if (!order) return;
          order.pay = status;
          if (status === 200) ok++;
        },
      },
    ],
  };
}
