/**
 * Builds a bench's world over HTTP: a seller, one store with the catalogue's books at a given stock,
 * and buyers, each registered, logged in (for a token) and, when asked, funded. Ids, passwords and
 * prices come from ../scenarios/catalog.ts, so the checks can recompute them.
 */
import * as api from '../scenarios/api.ts';
import { buyerId, catalogue, passwordOf, priceList, sellerId, storeId } from '../scenarios/catalog.ts';
import { mapLimit, must } from './http.ts';

export interface Buyer {
  user_id: string;
  password: string;
  token: string;
}

export interface World {
  store: string;
  seller: { user_id: string; password: string; token: string };
  books: api.BookInfo[];
  prices: Record<string, number>;
  buyers: Buyer[];
}

export interface WorldSpec {
  buyers: number;
  books: number;
  stockPerBook: number;
  /** Cents added to each buyer's balance; 0 skips add_funds. */
  fundsPerBuyer: number;
  /** Accounts set up at a time (each costs the server an argon2id hash and a verification). */
  concurrency: number;
}

async function account(base: string, user_id: string): Promise<Buyer> {
  const password = passwordOf(user_id);
  await must(base, api.register(user_id, password));
  const token = api.stringField(await must(base, api.login(user_id, password, 'bench')), 'token');
  if (!token) throw new Error(`login ${user_id}: no token`);
  return { user_id, password, token };
}

export async function buildWorld(base: string, tag: string, spec: WorldSpec): Promise<World> {
  const seller = await account(base, sellerId(tag));
  const store = storeId(tag);
  await must(base, api.createStore(seller.user_id, seller.token, store));
  const books = catalogue(tag, spec.books);
  for (const book of books)
    await must(base, api.addBook(seller.user_id, seller.token, store, book, spec.stockPerBook));
  const ids = Array.from({ length: spec.buyers }, (_, i) => buyerId(tag, i));
  const buyers = await mapLimit(ids, spec.concurrency, async (id) => {
    const buyer = await account(base, id);
    if (spec.fundsPerBuyer > 0)
      await must(base, api.addFunds(buyer.user_id, buyer.password, spec.fundsPerBuyer));
    return buyer;
  });
  return { store, seller, books, prices: priceList(books), buyers };
}
