/**
 * Fills a running service with the demo through its public HTTP API, idempotently: users and stores
 * that exist (512, 514) and books already listed (516) are fine, the featured book's stock and the
 * buyer's balance are topped up to their targets, so re-running on the same data changes only what
 * the walk-through used up. Then waits until the search index finds every book the walk-through's
 * searches should find.
 */
import {
  BUYER,
  BUYER_FUNDS,
  credentials,
  type DemoUser,
  FEATURED,
  SEARCH_WORDS,
  SELLERS,
} from './accounts.ts';
import type { DemoApi } from './api.ts';
import { demoBook, searchHits, stockOf, storeOf } from './catalogue.ts';

/** add_book requests in flight at once (books of different stores go to different actors). */
const PARALLEL_BOOKS = 8;

export interface Seeded {
  /** books listed by this run (the others were there already) */
  added: number;
  books: number;
}

async function registerAndLogin(api: DemoApi, user: DemoUser): Promise<string> {
  await api.call('/auth/register', credentials(user), { accepted: [200, 512] });
  const login = await api.call('/auth/login', { ...credentials(user), terminal: 'demo-seeding' });
  return String(login.token);
}

/** Registers the sellers and opens their stores; answers each store's owner token. */
async function openStores(api: DemoApi): Promise<Map<string, { user_id: string; token: string }>> {
  const owners = new Map<string, { user_id: string; token: string }>();
  for (const seller of SELLERS) {
    const token = await registerAndLogin(api, seller);
    for (const store_id of seller.stores) {
      await api.call(
        '/seller/create_store',
        { user_id: seller.user_id, store_id },
        { token, accepted: [200, 514] },
      );
      owners.set(store_id, { user_id: seller.user_id, token });
    }
  }
  return owners;
}

async function listBooks(api: DemoApi, owners: Awaited<ReturnType<typeof openStores>>, n: number) {
  let next = 0;
  let added = 0;
  const lister = async () => {
    for (let i = next++; i < n; i = next++) {
      const store_id = storeOf(i);
      const owner = owners.get(store_id);
      if (!owner) throw new Error(`no owner for ${store_id}`);
      const body = { user_id: owner.user_id, store_id, book_info: demoBook(i), stock_level: stockOf(i) };
      const answer = await api.call('/seller/add_book', body, { token: owner.token, accepted: [200, 516] });
      if (answer.code === 200) added++;
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_BOOKS }, lister));
  return added;
}

async function topUpFeaturedStock(api: DemoApi, token: string) {
  const book_id = demoBook(0).id;
  const { store_id } = FEATURED;
  const { stock_level } = await api.call('/seller/get_stock_level', { store_id, book_id });
  const missing = FEATURED.stock - Number(stock_level);
  if (missing > 0) {
    const body = { user_id: FEATURED.seller.user_id, store_id, book_id, add_stock_level: missing };
    await api.call('/seller/add_stock_level', body, { token });
  }
}

async function fundBuyer(api: DemoApi) {
  await api.call('/auth/register', BUYER, { accepted: [200, 512] });
  const { balance } = await api.call('/buyer/query_balance', BUYER);
  const missing = BUYER_FUNDS - Number(balance);
  if (missing > 0) await api.call('/buyer/add_funds', { ...BUYER, add_value: missing });
}

export async function seed(api: DemoApi, books: number): Promise<Seeded> {
  const owners = await openStores(api);
  const added = await listBooks(api, owners, books);
  await topUpFeaturedStock(api, owners.get(FEATURED.store_id)?.token ?? '');
  await fundBuyer(api);
  return { added, books };
}

/** How many books a search for `keyword` finds now (523: none). */
async function hits(api: DemoApi, keyword: string): Promise<number> {
  const answer = await api.call('/search/search_books', { keyword, page_size: 1 }, { accepted: [200, 523] });
  return answer.code === 200 ? Number(answer.total) : 0;
}

/**
 * Waits until the searches of the walk-through find all `books`' books that carry their words (the
 * index follows the listings within about a second), at most `timeoutMs`.
 */
export async function waitUntilSearchable(api: DemoApi, books: number, timeoutMs = 60_000): Promise<void> {
  const expected = searchHits(books);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const chinese = await hits(api, SEARCH_WORDS.chinese);
    const english = await hits(api, SEARCH_WORDS.english);
    if (chinese >= expected.chinese && english >= expected.english) return;
    if (Date.now() > deadline) {
      throw new Error(
        `demo: the search index finds ${chinese} books for ${SEARCH_WORDS.chinese} (of ${expected.chinese}) ` +
          `and ${english} for ${SEARCH_WORDS.english} (of ${expected.english}) after ${timeoutMs / 1000} s`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
