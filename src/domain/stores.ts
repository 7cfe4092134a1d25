/**
 * Stores: open a store, list and restock books, read a stock level, and the seller's order lists.
 */
import type { PasswordAttempt } from '../auth/guard.ts';
import { DomainError, expectOk } from '../errors.ts';
import { Code } from '../lua/codes.ts';
import type { IdemMark } from '../lua/scripts.ts';
import type { Deps } from './deps.ts';
import { registerStore } from './expiry.ts';
import { readOrderRecord } from './order-queries.ts';
import { type OrderView, orderView, type Page, pageRange } from './order-view.ts';

/**
 * What opening a store and listing a book need, without authentication (the route authenticates):
 * the importer wires just these, announcing a book on the change stream without a search index.
 */
export type ListingDeps = Pick<Deps, 'redis' | 'keys' | 'scripts' | 'actors' | 'blobs' | 'now'> & {
  catalogue: Pick<Deps['catalogue'], 'announce'>;
};

/** Opens a store for an authenticated user. */
export async function createStore(d: ListingDeps, user: string, store: string, idem?: IdemMark) {
  // The user's store set and the expiry sweep's list are written first, as intent; readers keep
  // only stores the user owns, and the sweep finds nothing due in a store that was not created.
  await Promise.all([d.redis.sadd(d.keys.userStores(user), store), registerStore(d, store)]);
  const reply = await d.actors.send(d.scripts.createStore(store, user, d.now(), idem));
  if (reply.code === Code.STORE_EXISTS && reply.owner !== user) {
    await d.redis.srem(d.keys.userStores(user), store);
  }
  expectOk(reply, { user_id: user, store_id: store });
}

export interface NewBook {
  id: string;
  price: number;
  /** the BookRecord as JSON, `pictures` holding the hashes of `blobs` */
  json: string;
  /** picture bytes to store before the book is listed (already stored when absent) */
  blobs?: Uint8Array[];
}

/** Lists a book in an authenticated user's store. */
export async function addBook(
  d: ListingDeps,
  user: string,
  store: string,
  book: NewBook,
  stock: number,
  idem?: IdemMark,
) {
  // Pictures go to disk after authentication and before the listing that names them.
  for (const bytes of book.blobs ?? []) await d.blobs.put(bytes);
  const listing = { owner: user, bookId: book.id, price: book.price, stock, json: book.json };
  const reply = await d.actors.send(d.scripts.addBook(store, listing, idem));
  expectOk(reply, { user_id: user, store_id: store, book_id: book.id });
  await d.redis.sadd(d.keys.bookStores(book.id), store);
  await d.catalogue.announce(store, book.id, book.json);
}

/** Restocks a book of an authenticated user's store. */
export async function addStockLevel(
  d: Deps,
  user: string,
  store: string,
  bookId: string,
  add: number,
  idem?: IdemMark,
) {
  const reply = await d.actors.send(d.scripts.addStockLevel(store, user, bookId, add, idem));
  expectOk(reply, { user_id: user, store_id: store, book_id: bookId });
}

export async function getStockLevel(d: Deps, store: string, bookId: string): Promise<number> {
  const [exists, level] = await Promise.all([
    d.redis.exists(d.keys.store(store)),
    d.redis.hget(d.keys.stock(store), bookId),
  ]);
  if (!exists) throw new DomainError(Code.STORE_MISSING, { store_id: store });
  if (level === null) throw new DomainError(Code.BOOK_MISSING, { store_id: store, book_id: bookId });
  return Number(level);
}

/** Orders of the given stores, newest first, one page of them, with the total count. */
async function ordersOfStores(d: Deps, stores: string[], page: Page) {
  const [, last] = pageRange(page);
  const perStore = await Promise.all(
    stores.map(async (store) => {
      const [total, ids] = await Promise.all([
        d.redis.zcard(d.keys.storeOrders(store)),
        d.redis.zrevrange(d.keys.storeOrders(store), 0, last, 'WITHSCORES'),
      ]);
      const entries: { store: string; orderId: string; at: number }[] = [];
      for (let i = 0; i + 1 < ids.length; i += 2)
        entries.push({ store, orderId: ids[i] ?? '', at: Number(ids[i + 1]) });
      return { total, entries };
    }),
  );
  const [first] = pageRange(page);
  const chosen = perStore
    .flatMap((s) => s.entries)
    .sort((a, b) => b.at - a.at || (a.orderId < b.orderId ? 1 : -1))
    .slice(first, last + 1);
  const orders = await Promise.all(
    chosen.map(async ({ store, orderId }) => {
      const buyer = await d.redis.hget(d.keys.reservation(store, orderId), 'buyer');
      return buyer ? orderView(await readOrderRecord(d, buyer, orderId)) : undefined;
    }),
  );
  return {
    orders: orders.filter((o): o is OrderView => o !== undefined),
    total: perStore.reduce((sum, s) => sum + s.total, 0),
  };
}

async function ownedStores(d: Deps, user: string): Promise<string[]> {
  const candidates = await d.redis.smembers(d.keys.userStores(user));
  const owners = await Promise.all(candidates.map((store) => d.redis.hget(d.keys.store(store), 'owner')));
  return candidates.filter((_, i) => owners[i] === user).sort();
}

export async function queryOneStoreOrders(
  d: Deps,
  user: string,
  password: PasswordAttempt,
  store: string,
  page: Page,
) {
  // Checked in API.md's order: user missing, store missing, password, not the owner.
  const [state, owner] = await Promise.all([
    d.redis.hget(d.keys.user(user), 'state'),
    d.redis.hget(d.keys.store(store), 'owner'),
  ]);
  if (!state) throw new DomainError(Code.USER_MISSING, { user_id: user });
  if (!owner) throw new DomainError(Code.STORE_MISSING, { store_id: store });
  return d.guard.readAs(user, password, Code.USER_MISSING, async () => {
    const epoch = await d.redis.hget(d.keys.user(user), 'epoch');
    if (owner !== user) throw new DomainError(Code.NO_STORE, { user_id: user, store_id: store });
    return { epoch, value: await ordersOfStores(d, [store], page) };
  });
}

export async function queryAllStoreOrders(d: Deps, user: string, password: PasswordAttempt, page: Page) {
  return d.guard.readAs(user, password, Code.USER_MISSING, async () => {
    const [epoch, stores] = await Promise.all([
      d.redis.hget(d.keys.user(user), 'epoch'),
      ownedStores(d, user),
    ]);
    if (stores.length === 0) throw new DomainError(Code.NO_STORE, { user_id: user });
    return { epoch, value: await ordersOfStores(d, stores, page) };
  });
}
