/**
 * The load-test world as steps: building it (a seller, one store with the catalogue's books at a
 * given stock, buyers logged in and, when asked, funded) and reading it back for the invariants.
 * A step function is a generator that yields an `ApiRequest` and receives its 200 answer, so the k6
 * scripts run it synchronously and the Node drivers with `await` (the buyers a few at a time): both
 * build and read exactly the same world. Plain TypeScript, no k6 or Node imports.
 */
import * as api from './api.ts';
import { buyerId, catalogue, passwordOf, priceList, sellerId, storeId } from './catalog.ts';
import { asOrders, type OrderRecord } from './consistency.ts';

/** Yields requests, receives each one's 200 answer, returns T. */
export type Steps<T> = Generator<api.ApiRequest, T, api.Reply>;

export interface Account {
  user_id: string;
  password: string;
  token: string;
}

export interface WorldSpec {
  buyers: number;
  books: number;
  stockPerBook: number;
  /** Cents added to each buyer's balance; 0 skips add_funds. */
  fundsPerBuyer: number;
}

export interface World {
  spec: WorldSpec;
  store: string;
  seller: Account;
  books: api.BookInfo[];
  prices: Record<string, number>;
  buyers: Account[];
}

/** Registers `user_id`, logs it in for a token and adds `funds` cents when > 0. */
export function* account(user_id: string, terminal: string, funds = 0): Steps<Account> {
  const password = passwordOf(user_id);
  yield api.register(user_id, password);
  const token = api.stringField(yield api.login(user_id, password, terminal), 'token');
  if (!token) throw new Error(`login ${user_id}: no token`);
  if (funds > 0) yield api.addFunds(user_id, password, funds);
  return { user_id, password, token };
}

/** The world without its buyers: the seller, the store and its books. */
export function* openStore(tag: string, spec: WorldSpec): Steps<Omit<World, 'buyers'>> {
  const seller = yield* account(sellerId(tag), 'setup');
  const store = storeId(tag);
  yield api.createStore(seller.user_id, seller.token, store);
  const books = catalogue(tag, spec.books);
  for (const book of books) yield api.addBook(seller.user_id, seller.token, store, book, spec.stockPerBook);
  return { spec, store, seller, books, prices: priceList(books) };
}

/** The buyers' set-up steps, one generator per buyer (independent of each other). */
export const buyerSteps = (tag: string, spec: WorldSpec): Steps<Account>[] =>
  Array.from({ length: spec.buyers }, (_, i) => account(buyerId(tag, i), 'load', spec.fundsPerBuyer));

/** Each book's stock level. */
export function* stockLevels(world: World): Steps<Record<string, number>> {
  const levels: Record<string, number> = {};
  for (const book of world.books)
    levels[book.id] =
      api.numberField(yield api.getStockLevel(world.store, book.id), 'stock_level') ?? Number.NaN;
  return levels;
}

/** Every order of one buyer (all pages) and its balance. */
export function* buyerState(buyer: Account): Steps<{ orders: OrderRecord[]; balance: number }> {
  const orders: OrderRecord[] = [];
  for (let page = 1; ; page++) {
    const reply = yield api.buyerOrders(buyer.user_id, buyer.password, page);
    const batch = asOrders(reply.orders);
    orders.push(...batch);
    if (batch.length === 0 || orders.length >= (api.numberField(reply, 'total') ?? 0)) break;
  }
  const balance = api.numberField(yield api.queryBalance(buyer.user_id, buyer.password), 'balance');
  return { orders, balance: balance ?? Number.NaN };
}

/** How many orders the store lists. */
export function* storeOrderCount(world: World): Steps<number | undefined> {
  const { user_id, password } = world.seller;
  return api.numberField(yield api.storeOrders(user_id, password, world.store, 1, 1), 'total');
}
