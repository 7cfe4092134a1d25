/**
 * The TypeScript signature of every Lua script of this folder, declared on ioredis's own command
 * interface (the scripts are registered on every client by `defineScripts` in load.ts). Each method
 * takes the script's KEYS then its ARGV, in the order of the script's header, and its reply is the
 * tuple the script returns. A script whose reply changes must change its tuple here, and then every
 * decoder that reads it stops compiling until it is brought up to date.
 */
import type { RedisCommander, Result } from 'ioredis';
import type { Code } from './codes.ts';

type C = typeof Code;
type K = string;
type V = string | number;

/** The status an order hash can have; `void` is the tombstone of an order that was never created. */
export type StoredOrderStatus = 'void' | 'unpaid' | 'paid' | 'shipped' | 'received' | 'cancelled';

/** Effect scripts end with the success answer to record under the request's Idempotency-Key. */
type Answer = [answer: V, ttlMs: V];
type Book = [owner: V, bookId: V, price: V, stock: V, json: V];
type Draft = [orderId: V, store: V, amount: V, now: V, deadline: V];
/**
 * What a wrong-password limit script is asked: count a guess ('take'), refuse past a limit a
 * password already known right ('known'), give a counted guess back ('back'), or give it back
 * because the password proved right ('right').
 */
export type GuessMode = 'take' | 'known' | 'back' | 'right';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    idemBegin(
      ...a: [
        record: K,
        user: K,
        revoked: K,
        liveKeys: K,
        fingerprint: V,
        leaseMs: V,
        check: 'token' | 'epoch' | 'absent' | '',
        epoch: V,
        tokenId: V,
        key: V,
        now: V,
        ttlMs: V,
        maxKeys: V,
      ]
    ): Result<
      | [C['OK']]
      | [C['USER_MISSING'] | C['AUTH_FAILED'] | C['USER_EXISTS']]
      | [C['IDEM_CONFLICT']]
      | [C['IDEM_RUNNING']]
      | [C['IDEM_DONE'], string, string]
      | [C['IDEM_FULL'], retryMs: number],
      Context
    >;
    idemFinish(
      ...a: [record: K, liveKeys: K, fingerprint: V, status: V, body: V, ttlMs: V, key: V]
    ): Result<[C['OK']] | [C['IDEM_CONFLICT']], Context>;
    limitUserGuesses(
      ...a: [fromAddress: K, all: K, mode: GuessMode, perUserAddress: V, perUser: V, windowMs: V]
    ): Result<[C['OK'], retryMs: number], Context>;
    limitAddressGuesses(
      ...a: [counter: K, mode: GuessMode, perAddress: V, windowMs: V]
    ): Result<[C['OK'], retryMs: number], Context>;

    register(
      ...a: [user: K, idemKey: K, pwHash: V, now: V, ...Answer]
    ): Result<[C['OK']] | [C['USER_EXISTS']], Context>;
    unregister(
      ...a: [user: K, idemKey: K, epoch: V, ...Answer]
    ): Result<[C['OK']] | [C['USER_MISSING'] | C['AUTH_FAILED']], Context>;
    changePassword(
      ...a: [user: K, idemKey: K, epoch: V, pwHash: V, ...Answer]
    ): Result<[C['OK'], number] | [C['USER_MISSING'] | C['AUTH_FAILED']], Context>;
    authToken(
      ...a: [user: K, revoked: K, epoch: V, tokenId: V]
    ): Result<[C['OK']] | [C['USER_MISSING'] | C['AUTH_FAILED']], Context>;
    logout(
      ...a: [user: K, revoked: K, idemKey: K, epoch: V, tokenId: V, expiresAt: V, now: V, ...Answer]
    ): Result<[C['OK']] | [C['USER_MISSING'] | C['AUTH_FAILED']], Context>;
    addFunds(
      ...a: [user: K, idemKey: K, epoch: V, delta: V, ...Answer]
    ): Result<
      [C['OK'], number] | [C['USER_MISSING'] | C['AUTH_FAILED'] | C['BALANCE_LOW']] | [C['INVALID'], string],
      Context
    >;

    createStore(
      ...a: [store: K, idemKey: K, owner: V, now: V, ...Answer]
    ): Result<[C['OK']] | [C['STORE_EXISTS'], string], Context>;
    addBook(
      ...a: [store: K, stock: K, supplied: K, prices: K, books: K, idemKey: K, ...Book, ...Answer]
    ): Result<[C['OK']] | [C['STORE_MISSING'] | C['NOT_OWNER'] | C['BOOK_EXISTS']], Context>;
    addStockLevel(
      ...a: [store: K, stock: K, supplied: K, idemKey: K, owner: V, bookId: V, add: V, ...Answer]
    ): Result<
      | [C['OK']]
      | [C['OK'], number]
      | [C['STORE_MISSING'] | C['NOT_OWNER'] | C['BOOK_MISSING']]
      | [C['INVALID'], string],
      Context
    >;
    reserveStock(
      ...a: [
        store: K,
        stock: K,
        prices: K,
        reservation: K,
        storeOrders: K,
        due: K,
        orderId: V,
        buyer: V,
        now: V,
        deadline: V,
        ...lines: V[],
      ]
    ): Result<
      | [C['OK'], amount: string]
      | [C['STORE_MISSING']]
      | [C['BOOK_MISSING'] | C['STOCK_LOW'], bookId: string]
      | [C['INVALID'], field: string],
      Context
    >;
    releaseReservation(
      ...a: [reservation: K, stock: K, due: K, orderId: V]
    ): Result<[C['OK']] | [C['NOOP']], Context>;
    checkShipment(
      ...a: [store: K, reservation: K, owner: V]
    ): Result<[C['OK'], buyer: string] | [C['STORE_MISSING'] | C['NOT_OWNER'] | C['ORDER_MISSING']], Context>;

    createOrder(
      ...a: [
        user: K,
        revoked: K,
        order: K,
        buyerOrders: K,
        idemKey: K,
        epoch: V,
        tokenId: V,
        ...Draft,
        ...Answer,
      ]
    ): Result<[C['OK']] | [C['USER_MISSING'] | C['AUTH_FAILED'] | C['ABORTED']], Context>;
    payToPlatform(
      ...a: [user: K, order: K, idemKey: K, epoch: V, now: V, ...Answer]
    ): Result<
      | [C['OK'], store: string]
      | [C['CANCELLED'], expiredNow?: 1]
      | [C['USER_MISSING'] | C['AUTH_FAILED'] | C['ORDER_MISSING'] | C['ALREADY_PAID'] | C['BALANCE_LOW']],
      Context
    >;
    cancelOrder(
      ...a: [user: K, order: K, idemKey: K, epoch: V, now: V, ...Answer]
    ): Result<
      | [C['OK'], store: string]
      | [C['USER_MISSING'] | C['AUTH_FAILED'] | C['ORDER_MISSING'] | C['CANCELLED'] | C['NOT_CANCELLABLE']],
      Context
    >;
    confirmReceipt(
      ...a: [user: K, order: K, idemKey: K, epoch: V, now: V, ...Answer]
    ): Result<
      | [C['OK'], store: string, amount: string]
      | [
          | C['USER_MISSING']
          | C['AUTH_FAILED']
          | C['ORDER_MISSING']
          | C['CANCELLED']
          | C['NOT_PAID']
          | C['RECEIVED'],
        ],
      Context
    >;
    markShipped(
      ...a: [order: K, store: V, now: V]
    ): Result<
      [C['OK']] | [C['ORDER_MISSING'] | C['CANCELLED'] | C['NOT_PAID'] | C['SHIPPED'] | C['RECEIVED']],
      Context
    >;
    expireOrder(
      ...a: [order: K, now: V, tombstoneMs: V]
    ): Result<[C['OK'], status: StoredOrderStatus, changed: 0 | 1], Context>;
    creditPayout(
      ...a: [seller: K, payouts: K, orderId: V, amount: V]
    ): Result<[C['OK']] | [C['NOOP']], Context>;
  }
}

export type ScriptName =
  | 'idemBegin'
  | 'idemFinish'
  | 'register'
  | 'unregister'
  | 'changePassword'
  | 'authToken'
  | 'logout'
  | 'addFunds'
  | 'createStore'
  | 'addBook'
  | 'addStockLevel'
  | 'reserveStock'
  | 'releaseReservation'
  | 'checkShipment'
  | 'createOrder'
  | 'payToPlatform'
  | 'cancelOrder'
  | 'confirmReceipt'
  | 'markShipped'
  | 'expireOrder'
  | 'creditPayout'
  | 'limitUserGuesses'
  | 'limitAddressGuesses';

/** The reply tuple of a script, as declared above. */
export type ReplyOf<N extends ScriptName> = Awaited<ReturnType<RedisCommander[N]>>;
