/**
 * The order flows, each a short saga of single-slot scripts (DESIGN.md §4): new order, pay, cancel,
 * ship, confirm receipt. The buyer's order queries are in order-queries.ts.
 */
import { randomBytes } from 'node:crypto';
import type { PasswordAttempt, UnknownUser } from '../auth/guard.ts';
import { expectOk } from '../errors.ts';
import type { ScriptCall } from '../lua/call.ts';
import { Code } from '../lua/codes.ts';
import { answering, type BuyerStep, type IdemMark, type TokenProof } from '../lua/scripts.ts';
import type { Deps } from './deps.ts';
import { payOut, reconcile, storeOwner } from './reconcile.ts';

/** Order lines with repeated book ids summed, in first-seen order. */
export function sumLines(books: { id: string; count: number }[]): [string, number][] {
  const lines = new Map<string, number>();
  for (const { id, count } of books) lines.set(id, (lines.get(id) ?? 0) + count);
  return [...lines];
}

const ID_BYTES = 12;
/** Random bytes drawn 512 ids at a time: one draw per id cost 2 % of the checkout's CPU. */
let pool = Buffer.alloc(0);
let taken = 0;

/**
 * A new order id: 96 random bits in 16 URL-safe characters. Short on purpose: the id is written in
 * two keys and two indexes per order, so each character costs Redis memory four times.
 */
export function newOrderId(): string {
  if (taken + ID_BYTES > pool.length) {
    pool = randomBytes(ID_BYTES * 512);
    taken = 0;
  }
  taken += ID_BYTES;
  return pool.toString('base64url', taken - ID_BYTES, taken);
}

/**
 * Places an order for a buyer whose token signature was verified (`proof`); returns its id. Two
 * sequential round trips: (1) reserve the stock in the store's slot, recording the payment deadline
 * there for the expiry sweep; (2) record the order in the buyer's slot, where the token's epoch and
 * revocation are checked. A refused token then gets the reservation released at once.
 */
export async function newOrder(
  d: Deps,
  user: string,
  store: string,
  books: { id: string; count: number }[],
  proof: TokenProof,
  idem?: IdemMark,
) {
  const orderId = newOrderId();
  const about = { user_id: user, store_id: store, order_id: orderId };
  const now = d.now();
  const deadline = now + d.config.ORDER_TIMEOUT_SECONDS * 1000;
  const ref = { orderId, buyer: user, store };
  const reserved = await d.actors.send(
    d.scripts.reserveStock(store, { orderId, buyer: user, now, deadline, lines: sumLines(books) }),
  );
  // A refusal answers for the token first (an unknown user is 511 before a missing store is 513).
  if (reserved.code !== Code.OK) await d.guard.checkProof(user, proof);
  const { amount } = expectOk(reserved, about);
  const draft = { orderId, buyer: user, store, amount, now, deadline };
  const created = await d.actors
    .continue(d.scripts.createOrder(draft, proof, answering(idem, { order_id: orderId })))
    .catch(async (error: unknown) => {
      // Outcome unknown (timeout, Redis error): settle it now; the expiry sweep is the backstop.
      await reconcile(d, ref).catch(() => {});
      throw error;
    });
  if (created.code !== Code.OK) await reconcile(d, ref);
  expectOk(created, about);
  return orderId;
}

/** Runs one of the buyer's order scripts once the password is verified (its epoch passed along). */
const buyerStep = <R extends { code: number }>(
  d: Deps,
  step: { user: string; password: PasswordAttempt; orderId: string; idem?: IdemMark },
  unknown: UnknownUser,
  script: (s: BuyerStep, idem?: IdemMark) => ScriptCall<R>,
) =>
  d.guard.withPassword(
    step.user,
    step.password,
    unknown,
    (epoch) =>
      d.actors.send(script({ buyer: step.user, orderId: step.orderId, epoch, now: d.now() }, step.idem)),
    step.idem?.start,
  );

export async function payToPlatform(
  d: Deps,
  user: string,
  password: PasswordAttempt,
  orderId: string,
  idem?: IdemMark,
) {
  const reply = await buyerStep(
    d,
    { user, password, orderId, idem },
    Code.AUTH_FAILED,
    d.scripts.payToPlatform,
  );
  if (reply.code === Code.CANCELLED && reply.expiredNow) {
    // This payment found the order past its deadline and cancelled it: return its stock now.
    const store = await d.redis.hget(d.keys.order(user, orderId), 'store');
    if (store) await reconcile(d, { orderId, buyer: user, store });
  }
  const { store } = expectOk(reply, { user_id: user, order_id: orderId });
  d.deadlines.drop(store, orderId);
}

export async function cancelOrder(
  d: Deps,
  user: string,
  password: PasswordAttempt,
  orderId: string,
  idem?: IdemMark,
) {
  const reply = await buyerStep(
    d,
    { user, password, orderId, idem },
    Code.USER_MISSING,
    d.scripts.cancelOrder,
  );
  const { store } = expectOk(reply, { user_id: user, order_id: orderId });
  await reconcile(d, { orderId, buyer: user, store });
}

export async function confirmReceipt(
  d: Deps,
  user: string,
  password: PasswordAttempt,
  orderId: string,
  idem?: IdemMark,
) {
  const about = { user_id: user, order_id: orderId };
  let scheduled = false;
  const reply = await d.guard.withPassword(
    user,
    password,
    Code.AUTH_FAILED,
    async (epoch) => {
      // The settle job is the durable intent: if this process dies after the receipt, it pays the
      // seller. An order that is missing, cancelled or received can never be confirmed now: the
      // script refuses it, and the refusal writes nothing (not even a job added and removed).
      const status = await d.redis.hget(d.keys.order(user, orderId), 'status');
      if (status && status !== 'cancelled' && status !== 'received') {
        await d.queue.scheduleSettle({ orderId, buyer: user, store: '' });
        scheduled = true;
      }
      return d.actors.send(d.scripts.confirmReceipt({ buyer: user, orderId, epoch, now: d.now() }, idem));
    },
    idem?.start,
  );
  if (reply.code === Code.RECEIVED) {
    // Received already: perhaps by a first attempt whose process died before paying the seller.
    await payOut(d, { orderId, buyer: user, store: '' });
  } else if (reply.code !== Code.OK && scheduled) {
    // Removed before the refusal is answered, so the answer follows its last write.
    await d.queue.cancelSettle(orderId);
  }
  const { store, amount } = expectOk(reply, about);
  const seller = await storeOwner(d, store);
  if (seller) await d.actors.continue(d.scripts.creditPayout(seller, orderId, amount));
  void d.queue.cancelSettle(orderId);
}

/** Ships an order of an authenticated seller's store. */
export async function ship(d: Deps, user: string, store: string, orderId: string) {
  const about = { user_id: user, store_id: store, order_id: orderId };
  const { buyer } = expectOk(await d.actors.send(d.scripts.checkShipment(store, user, orderId)), about);
  expectOk(await d.actors.send(d.scripts.markShipped(buyer, orderId, store, d.now())), about);
}
