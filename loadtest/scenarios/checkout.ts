/**
 * The checkout workload (the course's): `sellers` sellers with `storesPerSeller` stores each, each
 * store with `booksPerStore` books of large stock, and `buyers` funded buyers. Checkout pair n is
 * buyer n mod B placing one new_order of 1 to `maxLines` distinct books x 1 to `maxCopies` copies,
 * all from one store (store, books and counts drawn by a PRNG seeded by n), then paying it with
 * pay_to_platform (by password). A pair succeeds when both answer HTTP 200 with `code` 200.
 * The ids, the steps that build the world, the pair's plan and requests, the reading for `judge`.
 * Plain TypeScript, no k6 or Node imports: the k6 script and the Node bench share all of it.
 */
import { prng } from '../../test/support/prng.ts';
import * as api from './api.ts';
import { buyerId, catalogue, priceList } from './catalog.ts';
import type { Judged } from './consistency.ts';
import { type Account, account, type Steps } from './world.ts';

export interface CheckoutSpec {
  sellers: number;
  storesPerSeller: number;
  booksPerStore: number;
  buyers: number;
  stockPerBook: number;
  /** Cents added to each buyer's balance. */
  fundsPerBuyer: number;
  /** Distinct books per order: 1 to maxLines (at most booksPerStore). */
  maxLines: number;
  /** Copies per line: 1 to maxCopies. */
  maxCopies: number;
}

/** The course's: 10 buyers, 2 sellers x 2 stores x 100 books; stock and funds nothing exhausts. */
export const COURSE: CheckoutSpec = {
  sellers: 2,
  storesPerSeller: 2,
  booksPerStore: 100,
  buyers: 10,
  stockPerBook: 1_000_000_000,
  fundsPerBuyer: 1_000_000_000_000,
  maxLines: 10,
  maxCopies: 10,
};

export interface CheckoutStore {
  id: string;
  /** index into `sellers` */
  seller: number;
  books: api.BookInfo[];
}

export interface CheckoutWorld extends Judged {
  spec: CheckoutSpec;
  sellers: Account[];
  stores: CheckoutStore[];
  /** every store's books (ids are unique across stores) */
  books: api.BookInfo[];
  prices: Record<string, number>;
  buyers: Account[];
}

export const checkoutSellerId = (tag: string, s: number) => `${tag}-seller-${s}`;
export const checkoutStoreId = (tag: string, s: number, k: number) => `${tag}-store-${s}-${k}`;

/** One seller: the account, its stores, their books (ids `<store>-book-<i>`). */
function* sellerSteps(
  tag: string,
  spec: CheckoutSpec,
  s: number,
): Steps<{ seller: Account; stores: CheckoutStore[] }> {
  const seller = yield* account(checkoutSellerId(tag, s), 'setup');
  const stores: CheckoutStore[] = [];
  for (let k = 0; k < spec.storesPerSeller; k++) {
    const id = checkoutStoreId(tag, s, k);
    yield api.createStore(seller.user_id, seller.token, id);
    const books = catalogue(id, spec.booksPerStore);
    for (const book of books) yield api.addBook(seller.user_id, seller.token, id, book, spec.stockPerBook);
    stores.push({ id, seller: s, books });
  }
  return { seller, stores };
}

/** The sellers' set-up steps, one generator per seller (independent of each other). */
export const checkoutSellers = (tag: string, spec: CheckoutSpec) =>
  Array.from({ length: spec.sellers }, (_, s) => sellerSteps(tag, spec, s));

/** The buyers' set-up steps (register, login, add_funds), one generator per buyer. */
export const checkoutBuyers = (tag: string, spec: CheckoutSpec): Steps<Account>[] =>
  Array.from({ length: spec.buyers }, (_, i) => account(buyerId(tag, i), 'load', spec.fundsPerBuyer));

/** The world from what the sellers' and the buyers' steps returned. */
export function checkoutWorld(
  spec: CheckoutSpec,
  sellers: readonly { seller: Account; stores: CheckoutStore[] }[],
  buyers: Account[],
): CheckoutWorld {
  const stores = sellers.flatMap((s) => s.stores);
  const books = stores.flatMap((s) => s.books);
  return { spec, sellers: sellers.map((s) => s.seller), stores, books, prices: priceList(books), buyers };
}

/** What pair n does: who buys, where, which lines, for how much. */
export interface PairPlan {
  buyer: Account;
  store: string;
  lines: api.BookLine[];
  amount: number;
}

export function pairPlan(n: number, world: CheckoutWorld): PairPlan {
  const random = prng(Math.imul(n + 1, 0x9e3779b1));
  const below = (k: number) => Math.floor(random() * k);
  const buyer = world.buyers[n % world.buyers.length];
  const store = world.stores[below(world.stores.length)];
  if (!buyer || !store) throw new Error('pairPlan: a world without buyers or stores');
  const books = store.books;
  const wanted = 1 + below(Math.min(world.spec.maxLines, books.length));
  const picked: number[] = [];
  while (picked.length < wanted) {
    const i = below(books.length);
    if (!picked.includes(i)) picked.push(i);
  }
  const lines = picked.map((i) => ({
    id: (books[i] as api.BookInfo).id,
    count: 1 + below(world.spec.maxCopies),
  }));
  const amount = lines.reduce((sum, l) => sum + (world.prices[l.id] ?? 0) * l.count, 0);
  return { buyer, store: store.id, lines, amount };
}

export const orderRequest = (p: PairPlan) => api.newOrder(p.buyer.user_id, p.buyer.token, p.store, p.lines);
export const payRequest = (p: PairPlan, orderId: string) =>
  api.pay(p.buyer.user_id, p.buyer.password, orderId);

/** Success as API.md has it: HTTP 200 and `code` 200 in the answer. */
export const succeeded = (status: number, reply: api.Reply | undefined) =>
  status === 200 && reply?.code === 200;

/** One store's stock levels, by book id. */
export function* storeStock(store: CheckoutStore): Steps<Record<string, number>> {
  const levels: Record<string, number> = {};
  for (const book of store.books)
    levels[book.id] =
      api.numberField(yield api.getStockLevel(store.id, book.id), 'stock_level') ?? Number.NaN;
  return levels;
}

/** How many orders all stores list together (each store asked by its seller). */
export function* storeTotals(world: CheckoutWorld): Steps<number> {
  let total = 0;
  for (const store of world.stores) {
    const seller = world.sellers[store.seller] as Account;
    const reply = yield api.storeOrders(seller.user_id, seller.password, store.id, 1, 1);
    total += api.numberField(reply, 'total') ?? Number.NaN;
  }
  return total;
}
