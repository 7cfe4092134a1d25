/**
 * The full-text index of every book a search can find: each store's listings and the imported
 * catalogue (store ''). Built on SQLite FTS5 (src/search/sqlite.ts): BM25 ranking with per-field
 * weights, field-scoped queries, phrases, all in C, in a file under DATA_DIR that outlives the process
 * (so a restart does not rebuild) or in memory.
 *
 * Tables: `doc` holds each distinct version of a book (id, JSON, and the head of its answer text,
 * book-view.ts; the same book listed by a thousand stores is one document), `listing` says which
 * store lists which version, `fts` indexes each version's fields (contentless: only the tokens of
 * tokenize.ts are stored), `meta` holds the schema version and what the projection needs to trust
 * the file. Ties in score break by document number, a hash of the book, so pages are stable and the
 * same in every process whatever order it indexed in (see `identify`). Rankings and documents' views
 * are cached until the next change, so a popular query, or paging through one, costs its ranking once.
 */
import { createHash } from 'node:crypto';
import { type BookRecord, SEARCH_FIELDS, type SearchField } from '../catalogue/book.ts';
import { viewHead } from './book-view.ts';
import { inTransaction, openSqlite, type Sqlite, type Statement } from './sqlite.ts';
import { indexText, matchQuery } from './tokenize.ts';

/** BM25 weight of each field, in SEARCH_FIELDS order (a title match counts most, content least). */
const WEIGHTS: Record<SearchField, number> = {
  title: 3,
  original_title: 2.5,
  author: 2.5,
  translator: 2,
  publisher: 1.5,
  tags: 2,
  book_intro: 1,
  author_intro: 1,
  content: 0.7,
  isbn: 3,
};

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS doc (
    rowid INTEGER PRIMARY KEY, book_id TEXT NOT NULL, digest TEXT NOT NULL, json TEXT NOT NULL,
    head TEXT NOT NULL, pictures INTEGER NOT NULL, UNIQUE (book_id, digest));
  CREATE TABLE IF NOT EXISTS listing (
    store TEXT NOT NULL, book_id TEXT NOT NULL, doc INTEGER NOT NULL,
    PRIMARY KEY (store, book_id)) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS listing_doc ON listing (doc, store);
  CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(${SEARCH_FIELDS.join(', ')},
    content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0');
`;

/** What an answer shows of a document: its view's head (book-view.ts) and how many pictures it has. */
export interface DocView {
  bookId: string;
  head: string;
  pictures: number;
}

export interface Hit {
  /** the store the book is shown for: the one searched, or site-wide the first listing it */
  store: string;
  doc: DocView;
  /** the stored book (read when asked for) */
  readonly book: BookRecord;
  /** BM25 relevance, higher is better */
  score: number;
}

/** Bumped when the tables change: a file of another version is emptied and rebuilt. */
const SCHEMA_VERSION = '2';

export interface Page {
  /** matching books (site-wide: distinct book ids) */
  total: number;
  hits: Hit[];
}

/** Field text for the index: tags joined, absent fields empty, an ISBN also as its bare digits. */
function fieldText(book: BookRecord, field: SearchField): string {
  const value = book[field];
  if (Array.isArray(value)) return value.join(' ');
  if (value == null) return '';
  if (field === 'isbn') return `${value} ${String(value).replace(/[^0-9xX]/g, '')}`;
  return String(value);
}

/**
 * A version's digest and its document number: 48 bits of the SHA-1 of id and JSON, the same in every
 * process, so equal scores tie-break by it into the same order everywhere, whatever the order books
 * were indexed in (a collision, about one in 10^14 per pair, takes the next free number).
 */
function identify(bookId: string, json: string): { digest: string; rowid: number } {
  const hash = createHash('sha1').update(bookId).update('\u0000').update(json).digest();
  return { digest: hash.toString('base64'), rowid: hash.readUIntBE(0, 6) + 1 };
}

/** How many query rankings are kept; any change to the index forgets them all. */
const CACHED_RANKINGS = 1000;
/** How many documents' views are kept for answers (about 2.5 KB each). */
const CACHED_DOCS = 20_000;
/** How much of a ranking is kept: 50 pages of 20; a deeper page is asked of FTS5 directly. */
const RANKED_HEAD = 1000;

/** The statements of the index, prepared once. */
function statements(db: Sqlite) {
  const prepare = (sql: string) => db.prepare(sql);
  return {
    listing: prepare('SELECT doc FROM listing WHERE store = ? AND book_id = ?'),
    docJson: prepare('SELECT json FROM doc WHERE rowid = ?'),
    findDoc: prepare('SELECT rowid FROM doc WHERE book_id = ? AND digest = ?'),
    addDoc: prepare(
      'INSERT INTO doc (rowid, book_id, digest, json, head, pictures) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    docTaken: prepare('SELECT 1 FROM doc WHERE rowid = ?'),
    versions: prepare('SELECT count(*) AS n FROM doc WHERE book_id = ?'),
    addFts: prepare(
      `INSERT INTO fts (rowid, ${SEARCH_FIELDS.join(', ')}) VALUES (?${', ?'.repeat(SEARCH_FIELDS.length)})`,
    ),
    addListing: prepare('INSERT INTO listing (store, book_id, doc) VALUES (?, ?, ?)'),
    moveListing: prepare('UPDATE listing SET doc = ? WHERE store = ? AND book_id = ?'),
    docListed: prepare('SELECT 1 FROM listing WHERE doc = ? LIMIT 1'),
    dropDoc: prepare('DELETE FROM doc WHERE rowid = ?'),
    dropFts: prepare('DELETE FROM fts WHERE rowid = ?'),
    docsById: prepare(
      `SELECT d.rowid AS rowid, d.book_id AS book_id, d.head AS head, d.pictures AS pictures,
         (SELECT min(store) FROM listing WHERE doc = d.rowid) AS store
       FROM doc d WHERE d.rowid IN (SELECT value FROM json_each(?))`,
    ),
    storeCount: prepare('SELECT count(*) AS n FROM listing WHERE store = ?'),
    getMeta: prepare('SELECT value FROM meta WHERE key = ?'),
    setMeta: prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
  };
}

type Row = { rowid: number; rank: number };
type DocRow = { rowid: number; book_id: string; head: string; pictures: number; store: string };
type CachedDoc = DocView & { store: string };

/** A query's number of matches and its best RANKED_HEAD matches in order. */
interface Ranking {
  total: number;
  /** document numbers, best first (typed arrays: a thousand cached rankings are two thousand objects for the GC, not a million) */
  rowids: Float64Array;
  ranks: Float64Array;
}

/** A ranking from FTS5's rows. */
function rankingOf(total: number, rows: Row[]): Ranking {
  const rowids = new Float64Array(rows.length);
  const ranks = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    rowids[i] = row.rowid;
    ranks[i] = row.rank;
  });
  return { total, rowids, ranks };
}

export class BookIndex {
  private readonly db: Sqlite;
  private readonly sql: ReturnType<typeof statements>;
  private listings: number;
  /** true once some book id has two versions: site-wide answers must then group by book id */
  private versioned: boolean;

  /** An index in the SQLite file at `path` (created when missing), or in memory. */
  /** `cachedDocs`: how many documents' views to keep in memory (tests make it small). */
  constructor(
    path = ':memory:',
    private readonly cachedDocs = CACHED_DOCS,
  ) {
    this.db = openSqlite(path);
    try {
      if (path !== ':memory:') {
        // One process owns a file (an exclusive lock, released by the OS if the process dies); a
        // crash loses at most the last changes, which the projection's start-up check puts back.
        this.db.exec('PRAGMA busy_timeout = 0; PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL');
        this.db.exec('PRAGMA synchronous = OFF');
      }
      this.db.exec('PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY');
      this.migrate();
      const weights = SEARCH_FIELDS.map((f) => WEIGHTS[f]).join(', ');
      this.db.exec(`INSERT INTO fts (fts, rank) VALUES ('rank', 'bm25(${weights})')`);
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.sql = statements(this.db);
    this.listings = (this.db.prepare('SELECT count(*) AS n FROM listing').get() as { n: number }).n;
    this.versioned = Boolean(
      this.db.prepare('SELECT 1 FROM doc GROUP BY book_id HAVING count(*) > 1 LIMIT 1').get(),
    );
  }

  /** Creates the tables; a file made by another version of this code is emptied first. */
  private migrate(): void {
    const has = (table: string) =>
      this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !==
      undefined;
    const version = has('meta')
      ? (
          this.db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as
            | { value: string }
            | undefined
        )?.value
      : undefined;
    if (has('doc') && version !== SCHEMA_VERSION)
      this.db.exec(
        'DROP TABLE IF EXISTS fts; DROP TABLE IF EXISTS listing; DROP TABLE IF EXISTS doc; DROP TABLE IF EXISTS meta',
      );
    this.db.exec(SCHEMA);
    this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)").run(SCHEMA_VERSION);
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
    return inTransaction(this.db, () => {
      const doc = this.docFor(book, json);
      if (!listed) {
        this.sql.addListing.run(store, book.id, doc);
        this.listings++;
        this.forget();
        return true;
      }
      this.sql.moveListing.run(doc, store, book.id);
      this.forget();
      if (!this.sql.docListed.get(listed.doc)) {
        this.sql.dropDoc.run(listed.doc);
        this.sql.dropFts.run(listed.doc);
      }
      return true;
    });
  }

  /**
   * Adds many listings in one transaction (the start-up check); returns how many were new or changed.
   * The new documents go to FTS5 in ascending number: FTS5 writes its pending terms out as a segment
   * whenever a row number is lower than the one before, which in hash order would be almost always.
   */
  upsertAll(entries: Iterable<{ store: string; book: BookRecord; json?: string }>): number {
    let changed = 0;
    inTransaction(this.db, () => {
      this.deferred = [];
      try {
        for (const { store, book, json } of entries) if (this.upsert(store, book, json)) changed++;
        this.deferred.sort((a, b) => a.doc - b.doc);
        for (const { doc, book } of this.deferred) this.indexDoc(doc, book);
      } finally {
        this.deferred = undefined;
      }
    });
    return changed;
  }

  /** New documents of the running upsertAll, indexed at its end. */
  private deferred: { doc: number; book: BookRecord }[] | undefined;

  private indexDoc(doc: number, book: BookRecord): void {
    this.sql.addFts.run(doc, ...SEARCH_FIELDS.map((field) => indexText(fieldText(book, field))));
  }

  /** The document of this version of a book, indexed the first time it is seen. */
  private docFor(book: BookRecord, json: string): number {
    const { digest, rowid } = identify(book.id, json);
    const found = this.sql.findDoc.get(book.id, digest) as { rowid: number } | undefined;
    if (found) return found.rowid;
    let doc = rowid;
    while (this.sql.docTaken.get(doc)) doc++;
    this.sql.addDoc.run(doc, book.id, digest, json, viewHead(book), book.pictures?.length ?? 0);
    this.forget();
    if (this.deferred) this.deferred.push({ doc, book });
    else this.indexDoc(doc, book);
    if (!this.versioned && (this.sql.versions.get(book.id) as { n: number }).n > 1) this.versioned = true;
    return doc;
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
    const { count, rows } = this.statements(store !== undefined);
    const params = store === undefined ? [match] : [match, store];
    const ranking = this.cachedRanking(JSON.stringify([match, store ?? null]), () => {
      const total = (count.get(...params) as { n: number }).n;
      return rankingOf(total, total ? (rows.all(...params, RANKED_HEAD, 0) as Row[]) : []);
    });
    const end = page.offset + page.limit;
    const head = ranking.rowids.length;
    const found: Row[] = [];
    if (end <= head || head === ranking.total) {
      for (let i = page.offset; i < Math.min(end, head); i++)
        found.push({ rowid: ranking.rowids[i] as number, rank: ranking.ranks[i] as number });
    } else found.push(...(rows.all(...params, page.limit, page.offset) as Row[]));
    const docs = this.docsOf(found.map((row) => row.rowid));
    return {
      total: ranking.total,
      hits: found.map((row, i) => {
        const doc = docs[i] as CachedDoc;
        const bookOf = () =>
          JSON.parse((this.sql.docJson.get(row.rowid) as { json: string }).json) as BookRecord;
        return {
          store: store ?? doc.store,
          doc,
          score: -row.rank,
          get book() {
            return bookOf();
          },
        };
      }),
    };
  }

  /**
   * Documents' books and the first store listing each, parsed once (those not cached in one
   * statement) and kept while the index is unchanged.
   */
  private docsOf(rowids: number[]): CachedDoc[] {
    const found = rowids.map((rowid) => this.docs.get(rowid));
    const missing = rowids.filter((_, i) => found[i] === undefined);
    if (missing.length === 0) return found as CachedDoc[];
    const fetched = new Map<number, CachedDoc>();
    for (const row of this.sql.docsById.all(JSON.stringify(missing)) as DocRow[]) {
      fetched.set(row.rowid, {
        bookId: row.book_id,
        head: row.head,
        pictures: row.pictures,
        store: row.store,
      });
    }
    // Cached only now: evicting while fetching could drop a document this very page still needs.
    for (const [rowid, doc] of fetched) {
      if (this.docs.size >= this.cachedDocs) this.docs.delete(this.docs.keys().next().value as number);
      this.docs.set(rowid, doc);
    }
    return found.map((doc, i) => doc ?? (fetched.get(rowids[i] as number) as CachedDoc));
  }

  /** Documents recently shown, oldest first. */
  private readonly docs = new Map<number, CachedDoc>();

  /**
   * The total and ranked head of a query, from the cache or computed (and cached). Ranking is the
   * cost of a query: FTS5 scores every match, so a common word costs milliseconds; paging through
   * it, or asking it again, then costs a slice.
   */
  private cachedRanking(key: string, compute: () => Ranking): Ranking {
    let ranking = this.rankings.get(key);
    if (ranking) this.rankings.delete(key);
    else ranking = compute();
    this.rankings.set(key, ranking); // most recently used last
    if (this.rankings.size > CACHED_RANKINGS)
      this.rankings.delete(this.rankings.keys().next().value as string);
    return ranking;
  }

  /** Forgets the cached rankings and documents: the index changed. */
  private forget(): void {
    this.rankings.clear();
    this.docs.clear();
  }

  /** Rankings by query, least recently used first (a Map keeps insertion order). */
  private readonly rankings = new Map<string, Ranking>();
  private readonly prepared = new Map<string, { count: Statement; rows: Statement }>();

  /** The count and page statements for the query's shape (prepared once each). */
  private statements(inStore: boolean) {
    const shape = inStore ? 'store' : this.versioned ? 'grouped' : 'site';
    let found = this.prepared.get(shape);
    if (found) return found;
    const page = 'LIMIT ? OFFSET ?';
    if (shape === 'store') {
      const where = 'FROM fts WHERE fts MATCH ? AND rowid IN (SELECT doc FROM listing WHERE store = ?)';
      found = {
        count: this.db.prepare(`SELECT count(*) AS n ${where}`),
        rows: this.db.prepare(`SELECT rowid, rank ${where} ORDER BY rank, rowid ${page}`),
      };
    } else if (shape === 'site') {
      found = {
        count: this.db.prepare('SELECT count(*) AS n FROM fts WHERE fts MATCH ?'),
        rows: this.db.prepare(`SELECT rowid, rank FROM fts WHERE fts MATCH ? ORDER BY rank, rowid ${page}`),
      };
    } else {
      // Two versions of a book both matching: the better one stands for the book (SQLite takes the
      // bare columns of a min() group from the row holding the minimum).
      const from = 'FROM fts JOIN doc d ON d.rowid = fts.rowid WHERE fts MATCH ?';
      found = {
        count: this.db.prepare(`SELECT count(DISTINCT d.book_id) AS n ${from}`),
        rows: this.db.prepare(
          `SELECT d.rowid AS rowid, min(fts.rank) AS rank ${from} GROUP BY d.book_id ORDER BY rank, d.rowid ${page}`,
        ),
      };
    }
    this.prepared.set(shape, found);
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
    inTransaction(this.db, () => {
      this.db.exec(
        "DELETE FROM meta WHERE key <> 'schema'; DELETE FROM listing; DELETE FROM doc; INSERT INTO fts (fts) VALUES ('delete-all')",
      );
    });
    this.listings = 0;
    this.versioned = false;
    this.forget();
  }

  close(): void {
    this.db.close();
  }
}
