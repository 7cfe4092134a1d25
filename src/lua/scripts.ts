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

/** A request's Idempotency-Key, and the answer its effect script records on success. */
export interface IdemMark {
  user: string;
  key: string;
  answer: string;
}

/** The mark of a request whose success answer carries more than code and message. */
export const answering = (idem: IdemMark | undefined, extra: Record<string, unknown>): IdemMark | undefined =>
  idem && { ...idem, answer: JSON.stringify({ code: 200, message: 'ok', ...extra }) };

/** How long an Idempotency-Key's answer is kept. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

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
  /** The extra key and arguments of an effect script in `user`'s slot. */
  const inUser = (user: string, idem: IdemMark | undefined) =>
    [k.idempotency(user, idem?.key ?? ''), [idem?.answer ?? '', IDEMPOTENCY_TTL_MS]] as const;
  /** The same for an effect script in `store`'s slot. */
  const inStore = (store: string, idem: IdemMark | undefined) =>
    [
      k.storeIdempotency(store, idem?.user ?? '', idem?.key ?? ''),
      [idem?.answer ?? '', IDEMPOTENCY_TTL_MS],
    ] as const;
  /** A script call with its idempotency key and arguments appended. */
  const marked = (
    command: string,
    keys: string[],
    argv: (string | number)[],
    [key, extra]: ReturnType<typeof inUser>,
  ) => call(command, [...keys, key], [...argv, ...extra]);

  return {
    idemBegin: (user: string, key: string, fingerprint: string, leaseMs: number) =>
      call('idemBegin', [k.idempotency(user, key)], [fingerprint, leaseMs]),
    idemFinish: (user: string, key: string, fingerprint: string, status: string, body: string) =>
      call('idemFinish', [k.idempotency(user, key)], [fingerprint, status, body, IDEMPOTENCY_TTL_MS]),
    register: (user: string, pwHash: string, now: number, idem?: IdemMark) =>
      marked('register', [k.user(user)], [pwHash, now], inUser(user, idem)),
    unregister: (user: string, epoch: string, idem?: IdemMark) =>
      marked('unregister', [k.user(user)], [epoch], inUser(user, idem)),
    changePassword: (user: string, epoch: string, pwHash: string, idem?: IdemMark) =>
      marked('changePassword', [k.user(user)], [epoch, pwHash], inUser(user, idem)),
    authToken: (user: string, epoch: string, tokenId: string) =>
      call('authToken', [k.user(user), k.revoked(user)], [epoch, tokenId]),
    revokeToken: (
      user: string,
      t: { epoch: string; tokenId: string; expiresAt: number; now: number },
      idem?: IdemMark,
    ) =>
      marked(
        'revokeToken',
        [k.user(user), k.revoked(user)],
        [t.epoch, t.tokenId, t.expiresAt, t.now],
        inUser(user, idem),
      ),
    addFunds: (user: string, epoch: string, delta: number, idem?: IdemMark) =>
      marked('addFunds', [k.user(user)], [epoch, delta], inUser(user, idem)),

    createStore: (store: string, owner: string, now: number, idem?: IdemMark) =>
      marked('createStore', [k.store(store)], [owner, now], inStore(store, idem)),
    addBook: (
      store: string,
      a: { owner: string; bookId: string; price: number; stock: number; json: string },
      idem?: IdemMark,
    ) =>
      marked(
        'addBook',
        [k.store(store), k.stock(store), k.supplied(store), k.prices(store), k.books(store)],
        [a.owner, a.bookId, a.price, a.stock, a.json],
        inStore(store, idem),
      ),
    addStock: (store: string, owner: string, bookId: string, add: number, idem?: IdemMark) =>
      marked(
        'addStock',
        [k.store(store), k.stock(store), k.supplied(store)],
        [owner, bookId, add],
        inStore(store, idem),
      ),
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

    createOrder: (d: OrderDraft, idem?: IdemMark) =>
      marked(
        'createOrder',
        [k.order(d.buyer, d.orderId), k.buyerOrders(d.buyer)],
        [d.orderId, d.buyer, d.store, d.seller, d.itemsJson, d.amount, d.now, d.deadline],
        inUser(d.buyer, idem),
      ),
    payOrder: (buyer: string, orderId: string, epoch: string, now: number, idem?: IdemMark) =>
      marked('payOrder', [k.user(buyer), k.order(buyer, orderId)], [epoch, now], inUser(buyer, idem)),
    cancelOrder: (buyer: string, orderId: string, epoch: string, now: number, idem?: IdemMark) =>
      marked('cancelOrder', [k.user(buyer), k.order(buyer, orderId)], [epoch, now], inUser(buyer, idem)),
    confirmReceipt: (buyer: string, orderId: string, epoch: string, now: number, idem?: IdemMark) =>
      marked('confirmReceipt', [k.user(buyer), k.order(buyer, orderId)], [epoch, now], inUser(buyer, idem)),
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
