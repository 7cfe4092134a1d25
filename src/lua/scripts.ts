/**
 * Typed wrappers for the Lua scripts of this folder. Each wrapper names its keys (from the one key
 * builder) and arguments and returns a `Call`: a command an actor can put in a pipeline. Call sites
 * never assemble KEYS or ARGV by hand.
 */
import type { Keys } from '../redis/keys.ts';

export interface Call {
  command: string;
  args: (string | number)[];
}

/** A script's answer: its code (codes.ts) and the values after it, as strings. */
export interface Reply {
  code: number;
  values: string[];
}

const call = (command: string, keys: string[], argv: (string | number)[]): Call => ({
  command,
  args: [...keys, ...argv],
});

export interface OrderDraft {
  orderId: string;
  buyer: string;
  store: string;
  seller: string;
  itemsJson: string;
  amount: string;
  now: number;
  deadline: number;
}

export function scriptCalls(k: Keys) {
  return {
    register: (user: string, pwHash: string, now: number) => call('register', [k.user(user)], [pwHash, now]),
    unregister: (user: string, epoch: string) => call('unregister', [k.user(user)], [epoch]),
    changePassword: (user: string, epoch: string, pwHash: string) =>
      call('changePassword', [k.user(user)], [epoch, pwHash]),
    authToken: (user: string, epoch: string, tokenId: string) =>
      call('authToken', [k.user(user), k.revoked(user)], [epoch, tokenId]),
    revokeToken: (user: string, epoch: string, tokenId: string, expiresAt: number, now: number) =>
      call('revokeToken', [k.user(user), k.revoked(user)], [epoch, tokenId, expiresAt, now]),
    addFunds: (user: string, epoch: string, delta: number) =>
      call('addFunds', [k.user(user)], [epoch, delta]),

    createStore: (store: string, owner: string, now: number) =>
      call('createStore', [k.store(store)], [owner, now]),
    addBook: (
      store: string,
      a: { owner: string; bookId: string; price: number; stock: number; json: string },
    ) =>
      call(
        'addBook',
        [k.store(store), k.stock(store), k.supplied(store), k.prices(store), k.books(store)],
        [a.owner, a.bookId, a.price, a.stock, a.json],
      ),
    addStock: (store: string, owner: string, bookId: string, add: number) =>
      call('addStock', [k.store(store), k.stock(store), k.supplied(store)], [owner, bookId, add]),
    reserveStock: (
      store: string,
      a: { orderId: string; buyer: string; now: number; lines: [string, number][] },
    ) =>
      call(
        'reserveStock',
        [
          k.store(store),
          k.stock(store),
          k.prices(store),
          k.reservation(store, a.orderId),
          k.storeOrders(store),
        ],
        [a.orderId, a.buyer, a.now, ...a.lines.flat()],
      ),
    releaseReservation: (store: string, orderId: string) =>
      call('releaseReservation', [k.reservation(store, orderId), k.stock(store)], []),
    checkShipment: (store: string, owner: string, orderId: string) =>
      call('checkShipment', [k.store(store), k.reservation(store, orderId)], [owner]),

    createOrder: (d: OrderDraft) =>
      call(
        'createOrder',
        [k.order(d.buyer, d.orderId), k.buyerOrders(d.buyer)],
        [d.orderId, d.buyer, d.store, d.seller, d.itemsJson, d.amount, d.now, d.deadline],
      ),
    payOrder: (buyer: string, orderId: string, epoch: string, now: number) =>
      call('payOrder', [k.user(buyer), k.order(buyer, orderId)], [epoch, now]),
    cancelOrder: (buyer: string, orderId: string, epoch: string, now: number) =>
      call('cancelOrder', [k.user(buyer), k.order(buyer, orderId)], [epoch, now]),
    confirmReceipt: (buyer: string, orderId: string, epoch: string, now: number) =>
      call('confirmReceipt', [k.user(buyer), k.order(buyer, orderId)], [epoch, now]),
    markShipped: (buyer: string, orderId: string, store: string, now: number) =>
      call('markShipped', [k.order(buyer, orderId)], [store, now]),
    expireOrder: (buyer: string, orderId: string, now: number, tombstoneMs: number) =>
      call('expireOrder', [k.order(buyer, orderId)], [now, tombstoneMs]),
    creditPayout: (seller: string, orderId: string, amount: string) =>
      call('creditPayout', [k.user(seller), k.payouts(seller)], [orderId, amount]),
  };
}

export type ScriptCalls = ReturnType<typeof scriptCalls>;

/** Turns a raw script answer (`[code, ...values]`) into a Reply. */
export function toReply(raw: unknown): Reply {
  if (!Array.isArray(raw) || typeof raw[0] !== 'number') {
    throw new Error(`unexpected script answer: ${JSON.stringify(raw)}`);
  }
  return { code: raw[0], values: raw.slice(1).map(String) };
}
