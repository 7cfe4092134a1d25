/**
 * The full-text index of every book a search can find: each store's listings and the imported
 * catalogue (store ''). Built on SQLite FTS5 (tables in index-schema.ts): BM25 ranking with per-field
 * weights, field-scoped queries, phrases, all in C, in a file under DATA_DIR that outlives the process
 * (so a restart does not rebuild) or in memory. Ties in score break by document number, a hash of the
 * book's version (index-document.ts), so pages are stable and the same in every process whatever
 * order it indexed in. Rankings and documents' views are cached until the next change
 * (answer-cache.ts), so a popular query, or paging through one, costs its ranking once.
 */
import { type BookRecord, SEARCH_FIELDS, type SearchField } from '../catalogue/book.ts';
import { AnswerCache, CACHED_DOCS, RANKED_HEAD, type Row, rankingOf, sliceOf } from './answer-cache.ts';
import { viewHead } from './book-view.ts';
import { ftsColumns, identify } from './index-document.ts';
import {
  emptyIndexDb,
  type MatchShape,
  openIndexDb,
  prepareMatch,
  prepareStatements,
} from './index-schema.ts';
import { inTransaction, type Sqlite, type Statement } from './sqlite.ts';
import { matchQuery } from './tokenize.ts';

/** What an answer shows of a document: its view's head (book-view.ts) and how many pictures it has. */
export interface DocView {
  bookId: string;
  head: string;
  pictures: number;
}

export interface Hit {
  /** the store the book is shown for: the one searched, or site-wide the first (by id) listing it */
  store: string;
  doc: DocView;
  /** the stored book (read when asked for) */
  readonly book: BookRecord;
  /** BM25 relevance, higher is better */
  score: number;
}

export interface Page {
  /** matching books (site-wide: distinct book ids) */
  total: number;
  hits: Hit[];
}

type CachedDoc = DocView & { store: string };
type DocRow = { rowid: number; book_id: string; head: string; pictures: number; store: string };

export class BookIndex {
  private readonly db: Sqlite;
  private readonly sql: ReturnType<typeof prepareStatements>;
  private readonly cache: AnswerCache<CachedDoc>;
  private readonly matching = new Map<MatchShape, { count: Statement; rows: Statement }>();
  private listings: number;
  /** true once some book id has two versions: site-wide answers must then group by book id */
  private versioned: boolean;
  /** New documents of the running upsertAll, by number, indexed at its end. */
  private deferred: Map<number, BookRecord> | undefined;

  /**
   * An index in the SQLite file at `path` (created when missing), or in memory. `cachedDocs`: how
   * many documents' views to keep in memory (tests make it small).
   */
  constructor(path = ':memory:', cachedDocs = CACHED_DOCS) {
    this.db = openIndexDb(path);
    this.sql = prepareStatements(this.db);
    this.cache = new AnswerCache(cachedDocs);
    this.listings = (this.sql.listings.get() as { n: number }).n;
    this.versioned = this.sql.anyVersioned.get() !== undefined;
  }

  /** Listings indexed (a book listed by two stores counts twice). */
  get size(): number {
    return this.listings;
  }

  /** Whether a store ('' for the imported catalogue) has a listing of the book. */
  has(store: string, bookId: string): boolean {
    return this.sql.listing.get(store, bookId) !== undefined;
  }

  /** Listings indexed for one store ('' for the imported catalogue). */
  countIn(store: string): number {
    return (this.sql.storeCount.get(store) as { n: number }).n;
  }

  /**
   * Adds or replaces a store's listing of a book; false when the index already had it as it is.
   * `json` is the book as stored in Redis when the caller has it (no second serialisation).
   */
  upsert(store: string, book: BookRecord, json = JSON.stringify(book)): boolean {
    const listed = this.sql.listing.get(store, book.id) as { doc: number } | undefined;
    if (listed && (this.sql.docJson.get(listed.doc) as { json: string }).json === json) return false;
    inTransaction(this.db, () => {
      const doc = this.docFor(book, json);
      if (listed) {
        this.sql.moveListing.run(doc, store, book.id);
        if (!this.sql.docListed.get(listed.doc)) this.dropDoc(listed.doc);
      } else {
        this.sql.addListing.run(store, book.id, doc);
        this.listings++;
      }
      this.cache.forget();
    });
    return true;
  }

  /**
   * Adds many listings in one transaction (the start-up check); returns how many were new or changed.
   * The new documents go to FTS5 in ascending number: FTS5 writes its pending terms out as a segment
   * whenever a row number is lower than the one before, which in hash order would be almost always.
   */
  upsertAll(entries: Iterable<{ store: string; book: BookRecord; json?: string }>): number {
    let changed = 0;
    inTransaction(this.db, () => {
      const deferred = new Map<number, BookRecord>();
      this.deferred = deferred;
      try {
        for (const { store, book, json } of entries) if (this.upsert(store, book, json)) changed++;
        for (const doc of [...deferred.keys()].sort((a, b) => a - b))
          this.sql.addFts.run(doc, ...ftsColumns(deferred.get(doc) as BookRecord));
      } finally {
        this.deferred = undefined;
      }
    });
    return changed;
  }

  /** The document of this version of a book, indexed the first time it is seen. */
  private docFor(book: BookRecord, json: string): number {
    const { digest, rowid } = identify(book.id, json);
    const found = this.sql.findDoc.get(book.id, digest) as { rowid: number } | undefined;
    if (found) return found.rowid;
    let doc = rowid;
    while (this.sql.docTaken.get(doc)) doc++;
    this.sql.addDoc.run(doc, book.id, digest, json, viewHead(book), book.pictures?.length ?? 0);
    if (this.deferred) this.deferred.set(doc, book);
    else this.sql.addFts.run(doc, ...ftsColumns(book));
    if (!this.versioned && (this.sql.versions.get(book.id) as { n: number }).n > 1) this.versioned = true;
    return doc;
  }

  /** Drops a document no store lists any more (and its index entry, or its pending one). */
  private dropDoc(doc: number): void {
    this.sql.dropDoc.run(doc);
    if (this.deferred?.delete(doc)) return;
    this.sql.dropFts.run(doc);
  }

  /**
   * One page of the matches of `keyword` in `fields`, best first. `store` limits to one store;
   * without it a book listed several times (by stores and the catalogue) counts and appears once.
   */
  query(
    keyword: string,
    fields: readonly SearchField[],
    store?: string,
    page: { offset: number; limit: number } = { offset: 0, limit: 1_000_000 },
  ): Page {
    const terms = matchQuery(keyword);
    if (!terms) return { total: 0, hits: [] };
    const all = fields.length === SEARCH_FIELDS.length && SEARCH_FIELDS.every((f) => fields.includes(f));
    const match = all ? terms : `{${fields.join(' ')}} : (${terms})`;
    const { count, rows } = this.statementsFor(
      store === undefined ? (this.versioned ? 'grouped' : 'site') : 'store',
    );
    const params = store === undefined ? [match] : [match, store];
    const ranking = this.cache.ranking(JSON.stringify([match, store ?? null]), () => {
      const total = (count.get(...params) as { n: number }).n;
      return rankingOf(total, total ? (rows.all(...params, RANKED_HEAD, 0) as Row[]) : []);
    });
    const found = sliceOf(ranking, page) ?? (rows.all(...params, page.limit, page.offset) as Row[]);
    return { total: ranking.total, hits: this.hitsOf(found, store) };
  }

  /** The hits of rows: each document's view, its store, and its book parsed only when read. */
  private hitsOf(rows: Row[], store: string | undefined): Hit[] {
    const docs = this.cache.documents(
      rows.map((row) => row.rowid),
      (missing) => this.fetchDocs(missing),
    );
    const bookOf = (rowid: number) =>
      JSON.parse((this.sql.docJson.get(rowid) as { json: string }).json) as BookRecord;
    return rows.map((row, i) => {
      const doc = docs[i] as CachedDoc;
      return {
        store: store ?? doc.store,
        doc,
        score: -row.rank,
        get book() {
          return bookOf(row.rowid);
        },
      };
    });
  }

  /** The views of documents and the first store (by id) listing each, in one statement. */
  private fetchDocs(rowids: number[]): Map<number, CachedDoc> {
    const fetched = new Map<number, CachedDoc>();
    for (const row of this.sql.docsById.all(JSON.stringify(rowids)) as DocRow[]) {
      fetched.set(row.rowid, {
        bookId: row.book_id,
        head: row.head,
        pictures: row.pictures,
        store: row.store,
      });
    }
    return fetched;
  }

  /** The count and page statements of a query shape, prepared the first time it is asked. */
  private statementsFor(shape: MatchShape) {
    let found = this.matching.get(shape);
    if (!found) {
      found = prepareMatch(this.db, shape);
      this.matching.set(shape, found);
    }
    return found;
  }

  meta(key: string): string | undefined {
    return (this.sql.getMeta.get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.sql.setMeta.run(key, value);
  }

  /** Empties the index (its file stays, with its lock). */
  clear(): void {
    inTransaction(this.db, () => emptyIndexDb(this.db));
    this.listings = 0;
    this.versioned = false;
    this.cache.forget();
  }

  close(): void {
    this.db.close();
  }
}
