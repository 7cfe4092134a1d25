/**
 * The stored form of a book, the same for a store's listing (`{s:<store>}:books`) and the imported
 * catalogue (`{cat}:books`): the API's book fields with `tags` as an array and `pictures` as the
 * content hashes of blobs (src/catalogue/blobs.ts), never the bytes.
 */
export interface BookRecord {
  id: string;
  title: string;
  author?: string | null;
  publisher?: string | null;
  original_title?: string | null;
  translator?: string | null;
  pub_year?: string | number | null;
  pages?: number | null;
  price: number;
  currency_unit?: string | null;
  binding?: string | null;
  isbn?: string | null;
  author_intro?: string | null;
  book_intro?: string | null;
  content?: string | null;
  tags?: string[] | null;
  /** sha256 hex of each picture's bytes */
  pictures?: string[] | null;
}

/** The fields search can be scoped to (API.md), in the order of `search_scope`'s documentation. */
export const SEARCH_FIELDS = [
  'title',
  'original_title',
  'author',
  'translator',
  'publisher',
  'tags',
  'book_intro',
  'author_intro',
  'content',
  'isbn',
] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

/** Picture URL of a book's n-th picture (per store when the book is a store's listing). */
export const pictureUrl = (bookId: string, n: number, store?: string) =>
  store
    ? `/stores/${encodeURIComponent(store)}/books/${encodeURIComponent(bookId)}/pictures/${n}`
    : `/books/${encodeURIComponent(bookId)}/pictures/${n}`;
