/**
 * The in-process full-text index of every book a search can find: each store's listings and the
 * imported catalogue, one document per (store, book). Built on MiniSearch (BM25 scoring, per-field
 * boosts, field-scoped queries) with the tokenizer of tokenize.ts. Every query term must match; jieba
 * words of the query add to the score. Ties break by book id, then store, so paging is stable.
 */
import MiniSearch, { type SearchOptions, type SearchResult } from 'minisearch';
import { type BookRecord, SEARCH_FIELDS, type SearchField } from '../catalogue/book.ts';
import { indexTerms, queryTerms } from './tokenize.ts';

const BOOSTS: Record<SearchField, number> = {
  title: 3,
  original_title: 2.5,
  author: 2.5,
  translator: 2,
  tags: 2,
  isbn: 3,
  publisher: 1.5,
  book_intro: 1,
  author_intro: 1,
  content: 0.7,
};

interface IndexedDoc {
  key: string;
  store: string;
  id: string;
}

export interface Hit {
  store: string;
  book: BookRecord;
  score: number;
}

const keyOf = (store: string, id: string) => `${store}\u0000${id}`;
const identity = (term: string) => term;

/** Field text for the index: tags joined, absent fields empty. */
function fieldText(book: BookRecord, field: string): string {
  const value = (book as unknown as Record<string, unknown>)[field];
  if (Array.isArray(value)) return value.join(' ');
  if (value == null) return '';
  // An ISBN is found with or without its hyphens: index its parts and the digits joined.
  if (field === 'isbn') return `${value} ${String(value).replace(/[^0-9xX]/g, '')}`;
  return String(value);
}

export class BookIndex {
  private readonly search = new MiniSearch<IndexedDoc & { book: BookRecord }>({
    idField: 'key',
    fields: [...SEARCH_FIELDS],
    storeFields: ['store'],
    extractField: (doc, field) =>
      field in doc && field !== 'book' ? String(doc[field as keyof IndexedDoc]) : fieldText(doc.book, field),
    tokenize: (text) => indexTerms(text),
    processTerm: identity,
    searchOptions: { tokenize: (text) => [text], processTerm: identity },
  });
  private readonly books = new Map<string, BookRecord>();

  get size(): number {
    return this.books.size;
  }

  /** Adds or replaces a book of a store ('' for the imported catalogue). */
  upsert(store: string, book: BookRecord): void {
    const key = keyOf(store, book.id);
    const old = this.books.get(key);
    if (old) {
      // The same book again (e.g. this process's own change coming back on the stream): nothing to do.
      if (JSON.stringify(old) === JSON.stringify(book)) return;
      // remove() with the old document takes its terms out at once; discard() would leave stale
      // entries that skew scores (and so the order of pages) until later searches clean them up.
      this.search.remove({ key, store, id: old.id, book: old });
    }
    this.search.add({ key, store, id: book.id, book });
    this.books.set(key, book);
  }

  /** Adds many books at once (start-up rebuild). */
  addAll(entries: { store: string; book: BookRecord }[]): void {
    for (const { store, book } of entries) this.upsert(store, book);
  }

  get(store: string, id: string): BookRecord | undefined {
    return this.books.get(keyOf(store, id));
  }

  /**
   * Every match, best first. `store` limits to one store; without it a book listed several times
   * (by stores and the catalogue) appears once, with its best score.
   */
  query(keyword: string, fields: readonly SearchField[], store?: string): Hit[] {
    const { required, boosts } = queryTerms(keyword);
    if (required.length === 0) return [];
    const options: SearchOptions = {
      fields: [...fields],
      boost: Object.fromEntries(fields.map((f) => [f, BOOSTS[f]])),
      filter: store === undefined ? undefined : (r: SearchResult) => r.store === store,
    };
    const matches = this.search.search({ queries: required, combineWith: 'AND' }, options);
    const bonus = new Map<string, number>();
    if (boosts.length) {
      for (const r of this.search.search({ queries: boosts, combineWith: 'OR' }, options))
        bonus.set(r.id, r.score);
    }
    const best = new Map<string, Hit>();
    for (const r of matches) {
      const hitStore = String(r.store);
      const book = this.books.get(r.id);
      if (!book) continue;
      const hit = { store: hitStore, book, score: r.score + (bonus.get(r.id) ?? 0) };
      const group = store === undefined ? book.id : r.id;
      const seen = best.get(group);
      if (!seen || hit.score > seen.score || (hit.score === seen.score && hit.store < seen.store))
        best.set(group, hit);
    }
    return [...best.values()].sort(
      (a, b) =>
        b.score - a.score ||
        (a.book.id < b.book.id ? -1 : a.book.id > b.book.id ? 1 : a.store < b.store ? -1 : 1),
    );
  }
}
