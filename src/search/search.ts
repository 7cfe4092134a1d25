/**
 * Book search (API.md, Search): the scope parsed into fields, the whole site or one store, ranked
 * hits paged, each book shaped for the answer with picture URLs instead of bytes.
 */
import { type BookRecord, pictureUrl, SEARCH_FIELDS, type SearchField } from '../catalogue/book.ts';
import { ApiError, invalid } from '../errors.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { Keys } from '../redis/keys.ts';
import type { BookIndex } from './book-index.ts';

export interface SearchRequest {
  keyword: string;
  search_scope: string | null;
  search_in_store: boolean | null;
  store_id?: string | null;
  page: number;
  page_size: number;
}

const FIELD_NAMES = new Set<string>(SEARCH_FIELDS);

/** `"all"` or space-separated field names (`tag` for `tags`); anything else answers 530. */
export function parseScope(scope: string | null): readonly SearchField[] {
  const words = (scope ?? 'all').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0 || (words.length === 1 && words[0] === 'all')) return SEARCH_FIELDS;
  const fields = new Set<SearchField>();
  for (const word of words) {
    const name = word === 'tag' ? 'tags' : word;
    if (!FIELD_NAMES.has(name)) throw invalid('search_scope', `unknown field "${word}"`);
    fields.add(name as SearchField);
  }
  return [...fields];
}

const TEXT_FIELDS = [
  'title',
  'author',
  'publisher',
  'original_title',
  'translator',
  'pub_year',
  'pages',
  'price',
  'currency_unit',
  'binding',
  'isbn',
  'author_intro',
  'book_intro',
  'content',
] as const;

/** A book as search answers show it. */
export function bookView(book: BookRecord, store: string, inStore: boolean) {
  const view: Record<string, unknown> = { id: book.id };
  for (const field of TEXT_FIELDS) view[field] = book[field] ?? null;
  view.tags = book.tags ?? [];
  if (inStore) view.store_id = store;
  view.pictures = (book.pictures ?? []).map((_, n) => pictureUrl(book.id, n, store || undefined));
  return view;
}

/** Each cached book's answer text per view (store, in-store or not), made once while the index keeps the book. */
const rendered = new WeakMap<BookRecord, Map<string, string>>();

/** `bookView` as JSON text, kept with the book object the index hands out. */
function renderBook(book: BookRecord, store: string, inStore: boolean): string {
  let views = rendered.get(book);
  if (!views) {
    views = new Map();
    rendered.set(book, views);
  }
  const key = `${inStore ? 'in' : 'site'}:${store}`;
  let text = views.get(key);
  if (text === undefined) {
    text = JSON.stringify(bookView(book, store, inStore));
    views.set(key, text);
  }
  return text;
}

/**
 * One page of a search: `books` is the page's books as JSON text (an array), the rest plain values.
 * A page of 20 books with their intros is about 50 KB: rendering each book once while the index
 * keeps it, rather than on every answer, is most of a repeated search's cost saved.
 */
export async function searchBooks(index: BookIndex, redis: RedisClient, keys: Keys, r: SearchRequest) {
  const fields = parseScope(r.search_scope);
  const inStore = r.search_in_store === true;
  if (inStore) {
    if (!r.store_id) throw invalid('store_id', 'required when search_in_store is true');
    if (!(await redis.exists(keys.store(r.store_id)))) {
      throw new ApiError(524, `search: store id ${r.store_id} does not exist`);
    }
  }
  const start = (r.page - 1) * r.page_size;
  const { total, hits } = index.query(r.keyword, fields, inStore ? (r.store_id ?? '') : undefined, {
    offset: start,
    limit: r.page_size,
  });
  if (total === 0) {
    throw inStore
      ? new ApiError(525, `search: no book found in store ${r.store_id} for "${r.keyword}"`)
      : new ApiError(523, `search: no book found for "${r.keyword}"`);
  }
  return {
    books: `[${hits.map((h) => renderBook(h.book, h.store, inStore)).join(',')}]`,
    fields: { total, page: r.page, page_size: r.page_size },
  };
}
