/**
 * The order flows, each a short saga of single-slot scripts (DESIGN.md §4): new order, pay, cancel,
 * ship, confirm receipt, the buyer's queries and the auto-cancel of expired orders.
 */
import { randomUUID } from 'node:crypto';
import { Code, expectOk, scriptError } from '../lua/codes.ts';
import { answering, type IdemMark } from '../lua/scripts.ts';
import type { Deps } from './deps.ts';
import { type OrderView, orderView, type Page, pageRange } from './order-view.ts';
import { payOut, reconcile } from './reconcile.ts';

/** Order lines with repeated book ids summed, in first-seen order. */
export function sumLines(books: { id: string; count: number }[]): [string, number][] {
  const lines = new Map<string, number>();
  for (const { id, count } of books) lines.set(id, (lines.get(id) ?? 0) + count);
  return [...lines];
}

export async function newOrder(
  d: Deps,
  user: string,
  token: string | undefined,
  store: string,
  books: { id: string; count: number }[],
  idem?: IdemMark,
) {
  await d.guard.token(user, token);
  const orderId = randomUUID();
  const subject = { user_id: user, store_id: store, order_id: orderId };
  const now = d.now();
  const timeoutMs = d.config.ORDER_TIMEOUT_SECONDS * 1000;
  const ref = { orderId, buyer: user, store };
  // (1) the expiry job first: the payment deadline and the backstop if this process dies mid-way.
  await d.queue.scheduleExpiry(ref, timeoutMs);
  // (2) reserve the stock in the store's slot.
  const reserved = await d.actors.store(store, {
    type: 'reserve',
    orderId,
    buyer: user,
    now,
    lines: sumLines(books),
  });
  if (reserved.code !== Code.OK) {
    // Refused before any stock moved: the expiry job has nothing to guard. (Any other answer keeps it.)
    const refused: number[] = [Code.STORE_MISSING, Code.BOOK_MISSING, Code.STOCK_LOW];
    if (refused.includes(reserved.code)) d.queue.cancelExpiry(orderId);
    throw scriptError(reserved.code, subject, reserved.values[0]);
  }
  const [seller = '', amount = '0', itemsJson = '[]'] = reserved.values;
  // (3) record the order in the buyer's slot.
  const draft = { orderId, buyer: user, store, seller, itemsJson, amount, now, deadline: now + timeoutMs };
  const created = await d.actors
    .continueUser(user, { type: 'createOrder', draft, idem: answering(idem, { order_id: orderId }) })
    .catch(async (error: unknown) => {
      // Outcome unknown (timeout, Redis error): settle it now; the expiry job is the backstop.
      await reconcile(d, ref).catch(() => {});
      throw error;
    });
  if (created.code !== Code.OK) {
    await reconcile(d, ref);
    throw scriptError(created.code, subject);
  }
  return orderId;
}

export async function pay(d: Deps, user: string, password: string, orderId: string, idem?: IdemMark) {
  const subject = { user_id: user, order_id: orderId };
  const reply = await d.guard.withPassword(user, password, 401, (epoch) =>
    d.actors.user(user, { type: 'pay', orderId, epoch, now: d.now(), idem }),
  );
  if (reply.code === Code.CANCELLED && reply.values[0] === '1') {
    // This payment found the order past its deadline and cancelled it: return its stock now.
    const store = await d.redis.hget(d.keys.order(user, orderId), 'store');
    if (store) await reconcile(d, { orderId, buyer: user, store });
  }
  expectOk(reply, subject);
  d.queue.cancelExpiry(orderId);
}

export async function cancel(d: Deps, user: string, password: string, orderId: string, idem?: IdemMark) {
  const reply = await d.guard.withPassword(user, password, 511, (epoch) =>
    d.actors.user(user, { type: 'cancel', orderId, epoch, now: d.now(), idem }),
  );
  const [store = ''] = expectOk(reply, { user_id: user, order_id: orderId }).values;
  await reconcile(d, { orderId, buyer: user, store });
  d.queue.cancelExpiry(orderId);
}

export async function confirmReceipt(
  d: Deps,
  user: string,
  password: string,
  orderId: string,
  idem?: IdemMark,
) {
  const subject = { user_id: user, order_id: orderId };
  const reply = await d.guard.withPassword(user, password, 401, async (epoch) => {
    // The settle job is the durable intent: if this process dies after the receipt, it pays the seller.
    await d.queue.scheduleSettle({ orderId, buyer: user, store: '' });
    return d.actors.user(user, { type: 'confirmReceipt', orderId, epoch, now: d.now(), idem });
  });
  if (reply.code === Code.RECEIVED) {
    // Received already: perhaps by a first attempt whose process died before paying the seller.
    await payOut(d, { orderId, buyer: user, store: '' });
  } else if (reply.code !== Code.OK) {
    d.queue.cancelSettle(orderId);
  }
  const [seller = '', amount = '0'] = expectOk(reply, subject).values;
  expectOk(await d.actors.continueUser(seller, { type: 'creditPayout', orderId, amount }), subject);
  d.queue.cancelSettle(orderId);
}

export async function ship(d: Deps, user: string, token: string | undefined, store: string, orderId: string) {
  await d.guard.token(user, token);
  const subject = { user_id: user, store_id: store, order_id: orderId };
  const checked = expectOk(
    await d.actors.store(store, { type: 'checkShipment', owner: user, orderId }),
    subject,
  );
  const buyer = checked.values[0] ?? '';
  expectOk(await d.actors.user(buyer, { type: 'markShipped', orderId, store, now: d.now() }), subject);
}

async function readOrder(d: Deps, buyer: string, orderId: string) {
  const [[, epoch], [, hash]] = (await d.redis
    .pipeline()
    .hget(d.keys.user(buyer), 'epoch')
    .hgetall(d.keys.order(buyer, orderId))
    .exec()) as [[unknown, string | null], [unknown, Record<string, string>]];
  return { epoch, value: orderView(orderId, hash) };
}

export async function buyerOrder(
  d: Deps,
  user: string,
  password: string,
  orderId: string,
): Promise<OrderView> {
  const order = await d.guard.readAs(user, password, 511, () => readOrder(d, user, orderId));
  if (!order) throw scriptError(Code.ORDER_MISSING, { user_id: user, order_id: orderId });
  return order;
}

export async function buyerOrders(d: Deps, user: string, password: string, page: Page) {
  return d.guard.readAs(user, password, 511, async () => {
    const [first, last] = pageRange(page);
    const index = d.keys.buyerOrders(user);
    const [[, epoch], [, total], [, ids]] = (await d.redis
      .pipeline()
      .hget(d.keys.user(user), 'epoch')
      .zcard(index)
      .zrevrange(index, first, last)
      .exec()) as [[unknown, string | null], [unknown, number], [unknown, string[]]];
    const pipeline = d.redis.pipeline();
    for (const id of ids) pipeline.hgetall(d.keys.order(user, id));
    const hashes = ids.length ? ((await pipeline.exec()) as [unknown, Record<string, string>][]) : [];
    const orders = hashes
      .map(([, hash], i) => orderView(ids[i] ?? '', hash))
      .filter((o): o is OrderView => o !== undefined);
    return { epoch, value: { orders, total } };
  });
}

/** Cancels now every unpaid order past its deadline; returns how many this call cancelled. */
export async function cancelExpired(d: Deps, limit = 1000): Promise<number> {
  const due = await d.queue.dueExpiries(d.now(), limit);
  let cancelled = 0;
  for (const { ref, remove } of due) {
    const result = await reconcile(d, ref);
    if (result.expiredNow) cancelled++;
    if (result.status !== 'unpaid') await remove();
  }
  return cancelled;
}
