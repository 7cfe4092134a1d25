/**
 * The buyer's order queries (one order, all orders, paged) and the auto-cancel of expired orders.
 */
import type { PasswordAttempt } from '../auth/guard.ts';
import { DomainError } from '../errors.ts';
import { Code } from '../lua/codes.ts';
import type { Deps } from './deps.ts';
import { sweepAll } from './expiry.ts';
import { orderLines } from './order-lines.ts';
import { type OrderRecord, type OrderView, orderView, type Page, pageRange } from './order-view.ts';

/**
 * An order's hash with its lines, which are kept once, in the store's reservation (an order
 * recorded before that change has them in its own hash).
 */
export async function readOrderRecord(
  d: Pick<Deps, 'redis' | 'keys'>,
  buyer: string,
  orderId: string,
): Promise<OrderRecord> {
  const hash = await d.redis.hgetall(d.keys.order(buyer, orderId));
  const ownItems = hash.items !== undefined || hash.store === undefined;
  const lines = orderLines(
    ownItems ? hash : await d.redis.hgetall(d.keys.reservation(hash.store ?? '', orderId)),
  );
  return { orderId, buyer, hash, lines };
}

async function readOrder(d: Deps, buyer: string, orderId: string) {
  const [epoch, hash] = await Promise.all([
    d.redis.hget(d.keys.user(buyer), 'epoch'),
    readOrderRecord(d, buyer, orderId),
  ]);
  return { epoch, value: orderView(hash) };
}

export async function queryOrderStatus(
  d: Deps,
  user: string,
  password: PasswordAttempt,
  orderId: string,
): Promise<OrderView> {
  const order = await d.guard.readAs(user, password, Code.USER_MISSING, () => readOrder(d, user, orderId));
  if (!order) throw new DomainError(Code.ORDER_MISSING, { user_id: user, order_id: orderId });
  return order;
}

export async function queryBuyerAllOrders(d: Deps, user: string, password: PasswordAttempt, page: Page) {
  return d.guard.readAs(user, password, Code.USER_MISSING, async () => {
    const [first, last] = pageRange(page);
    const index = d.keys.buyerOrders(user);
    const [epoch, total, ids] = await Promise.all([
      d.redis.hget(d.keys.user(user), 'epoch'),
      d.redis.zcard(index),
      d.redis.zrevrange(index, first, last),
    ]);
    const records = await Promise.all(ids.map((id) => readOrderRecord(d, user, id)));
    const orders = records.map(orderView).filter((o): o is OrderView => o !== undefined);
    return { epoch, value: { orders, total } };
  });
}

/** Cancels now every unpaid order past its deadline; returns how many this call cancelled. */
export const autoCancelExpiredOrders = (d: Deps): Promise<number> => sweepAll(d);
