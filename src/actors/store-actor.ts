/**
 * The store actor: every change to one store's slot (the store, its stock, prices, books,
 * reservations) goes through it, in order.
 */
import type { Call, IdemMark, ScriptCalls } from '../lua/scripts.ts';

export type StoreMessage =
  | { type: 'open'; owner: string; now: number; idem?: IdemMark }
  | {
      type: 'addBook';
      owner: string;
      bookId: string;
      price: number;
      stock: number;
      json: string;
      idem?: IdemMark;
    }
  | { type: 'restock'; owner: string; bookId: string; add: number; idem?: IdemMark }
  | { type: 'reserve'; orderId: string; buyer: string; now: number; lines: [string, number][] }
  | { type: 'release'; orderId: string }
  | { type: 'checkShipment'; owner: string; orderId: string };

export const storeHandler =
  (scripts: ScriptCalls, store: string) =>
  (m: StoreMessage): Call => {
    switch (m.type) {
      case 'open':
        return scripts.createStore(store, m.owner, m.now, m.idem);
      case 'addBook':
        return scripts.addBook(store, m, m.idem);
      case 'restock':
        return scripts.addStock(store, m.owner, m.bookId, m.add, m.idem);
      case 'reserve':
        return scripts.reserveStock(store, m);
      case 'release':
        return scripts.releaseReservation(store, m.orderId);
      case 'checkShipment':
        return scripts.checkShipment(store, m.owner, m.orderId);
    }
  };
