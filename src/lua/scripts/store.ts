/**
 * Typed calls of the scripts of a store's slot: opening it, listing and restocking books, and the
 * store's side of an order (its stock reservation, released at most once, and the shipment check).
 */
import type { Keys } from '../../redis/keys.ts';
import { scriptCall, storeEntity } from '../call.ts';
import { Code } from '../codes.ts';
import { codeOnly, type IdemMark, storeMark } from './idem.ts';

export interface BookListing {
  owner: string;
  bookId: string;
  /** cents */
  price: number;
  stock: number;
  /** the BookRecord as JSON */
  json: string;
}

export interface Reservation {
  orderId: string;
  buyer: string;
  now: number;
  /** the payment deadline (ms), kept in the store's slot for the expiry sweep */
  deadline: number;
  /** distinct book ids with their counts */
  lines: [string, number][];
}

export function storeScripts(k: Keys) {
  return {
    createStore: (store: string, owner: string, now: number, idem?: IdemMark) => {
      const m = storeMark(k, store, idem);
      return scriptCall(
        'createStore',
        storeEntity(store),
        (r) => r.createStore(k.store(store), m.record, owner, now, m.answer, m.ttlMs),
        (raw) => (raw[0] === Code.OK ? { code: raw[0] } : { code: raw[0], owner: raw[1] }),
      );
    },
    addBook: (store: string, b: BookListing, idem?: IdemMark) => {
      const m = storeMark(k, store, idem);
      const keys = [
        k.store(store),
        k.stock(store),
        k.supplied(store),
        k.prices(store),
        k.books(store),
      ] as const;
      return scriptCall(
        'addBook',
        storeEntity(store),
        (r) => r.addBook(...keys, m.record, b.owner, b.bookId, b.price, b.stock, b.json, m.answer, m.ttlMs),
        codeOnly,
      );
    },
    addStockLevel: (store: string, owner: string, bookId: string, add: number, idem?: IdemMark) => {
      const m = storeMark(k, store, idem);
      const keys = [k.store(store), k.stock(store), k.supplied(store)] as const;
      return scriptCall(
        'addStockLevel',
        storeEntity(store),
        (r) => r.addStockLevel(...keys, m.record, owner, bookId, add, m.answer, m.ttlMs),
        (raw) => (raw[0] === Code.INVALID ? { code: raw[0], field: raw[1] } : { code: raw[0] }),
      );
    },
    reserveStock: (store: string, a: Reservation) => {
      const keys = [
        k.store(store),
        k.stock(store),
        k.prices(store),
        k.reservation(store, a.orderId),
      ] as const;
      return scriptCall(
        'reserveStock',
        storeEntity(store),
        (r) =>
          r.reserveStock(
            ...keys,
            k.storeOrders(store),
            k.due(store),
            a.orderId,
            a.buyer,
            a.now,
            a.deadline,
            ...a.lines.flat(),
          ),
        (raw) => {
          switch (raw[0]) {
            case Code.OK:
              return { code: raw[0], amount: raw[1] };
            case Code.BOOK_MISSING:
            case Code.STOCK_LOW:
              return { code: raw[0], book_id: raw[1] };
            case Code.INVALID:
              return { code: raw[0], field: raw[1] };
            default:
              return { code: raw[0] };
          }
        },
      );
    },
    releaseReservation: (store: string, orderId: string) =>
      scriptCall(
        'releaseReservation',
        storeEntity(store),
        (r) => r.releaseReservation(k.reservation(store, orderId), k.stock(store), k.due(store), orderId),
        (raw) => ({ code: Code.OK, released: raw[0] === Code.OK }),
      ),
    checkShipment: (store: string, owner: string, orderId: string) =>
      scriptCall(
        'checkShipment',
        storeEntity(store),
        (r) => r.checkShipment(k.store(store), k.reservation(store, orderId), owner),
        (raw) => (raw[0] === Code.OK ? { code: raw[0], buyer: raw[1] } : { code: raw[0] }),
      ),
  };
}
