/**
 * A book as search answers show it (API.md's book: every field, `tags` as an array, `store_id` in a
 * store's answers, `pictures` as URLs), as JSON text in two parts: the head (id, fields, tags),
 * which depends only on the book and is rendered once when the book is indexed, and the tail
 * (store_id, picture URLs), which depends on the store it is shown for and is a few bytes.
 */
import { type BookRecord, pictureUrl } from '../catalogue/book.ts';

const SHOWN_FIELDS = [
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

/** The view's JSON up to its tail: `{"id":…,…,"tags":[…]` (no closing brace). */
export function viewHead(book: BookRecord): string {
  const view: Record<string, unknown> = { id: book.id };
  for (const field of SHOWN_FIELDS) view[field] = book[field] ?? null;
  view.tags = book.tags ?? [];
  return JSON.stringify(view).slice(0, -1);
}

/** The whole view: head, `store_id` when shown in a store, the picture URLs for that store. */
export function viewText(
  doc: { head: string; bookId: string; pictures: number },
  store: string,
  inStore: boolean,
): string {
  const urls = Array.from({ length: doc.pictures }, (_, n) => pictureUrl(doc.bookId, n, store || undefined));
  const storeId = inStore ? `,"store_id":${JSON.stringify(store)}` : '';
  return `${doc.head}${storeId},"pictures":${JSON.stringify(urls)}}`;
}
