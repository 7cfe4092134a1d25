/**
 * The SQLite side of the book index: its tables, their version, how a file is opened, and the
 * statements over it. `doc` holds each distinct version of a book (id, JSON, and the head of its
 * answer text, book-view.ts; the same book listed by a thousand stores is one document), `listing`
 * says which store lists which version, `fts` indexes each version's fields (contentless: only the
 * tokens of tokenize.ts are stored), `meta` holds the schema version and what the projection needs
 * to trust the file.
 */
import { SEARCH_FIELDS, type SearchField } from '../catalogue/book.ts';
import { openSqlite, type Sqlite, type Statement } from './sqlite.ts';

/** BM25 weight of each field (a title match counts most, content least). */
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

/** Bumped when the tables change: a file of another version is emptied and rebuilt. */
const SCHEMA_VERSION = '2';

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

/** The index database in the file at `path` (created when missing), or in memory for `:memory:`. */
export function openIndexDb(path: string): Sqlite {
  const db = openSqlite(path);
  try {
    if (path !== ':memory:') {
      // One process owns a file (an exclusive lock, released by the OS if the process dies); a
      // crash loses at most the last changes, which the projection's start-up check puts back.
      db.exec('PRAGMA busy_timeout = 0; PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL');
      db.exec('PRAGMA synchronous = OFF');
    }
    db.exec('PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY');
    migrate(db);
    // bm25() takes one weight per column, in the table's column order (SEARCH_FIELDS).
    const weights = SEARCH_FIELDS.map((f) => WEIGHTS[f]).join(', ');
    db.exec(`INSERT INTO fts (fts, rank) VALUES ('rank', 'bm25(${weights})')`);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Creates the tables; a file made by another version of this code is emptied first. */
function migrate(db: Sqlite): void {
  const has = (table: string) =>
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
  const stored = has('meta') ? db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() : undefined;
  if (has('doc') && (stored as { value: string } | undefined)?.value !== SCHEMA_VERSION)
    db.exec(
      'DROP TABLE IF EXISTS fts; DROP TABLE IF EXISTS listing; DROP TABLE IF EXISTS doc; DROP TABLE IF EXISTS meta',
    );
  db.exec(SCHEMA);
  db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)").run(SCHEMA_VERSION);
}

/** Empties every table but the schema version. */
export function emptyIndexDb(db: Sqlite): void {
  db.exec(
    "DELETE FROM meta WHERE key <> 'schema'; DELETE FROM listing; DELETE FROM doc; INSERT INTO fts (fts) VALUES ('delete-all')",
  );
}

/** The statements of the index, prepared once. */
export function prepareStatements(db: Sqlite) {
  const prepare = (sql: string) => db.prepare(sql);
  return {
    listing: prepare('SELECT doc FROM listing WHERE store = ? AND book_id = ?'),
    listings: prepare('SELECT count(*) AS n FROM listing'),
    storeCount: prepare('SELECT count(*) AS n FROM listing WHERE store = ?'),
    addListing: prepare('INSERT INTO listing (store, book_id, doc) VALUES (?, ?, ?)'),
    moveListing: prepare('UPDATE listing SET doc = ? WHERE store = ? AND book_id = ?'),
    docListed: prepare('SELECT 1 FROM listing WHERE doc = ? LIMIT 1'),
    docJson: prepare('SELECT json FROM doc WHERE rowid = ?'),
    findDoc: prepare('SELECT rowid FROM doc WHERE book_id = ? AND digest = ?'),
    docTaken: prepare('SELECT 1 FROM doc WHERE rowid = ?'),
    addDoc: prepare(
      'INSERT INTO doc (rowid, book_id, digest, json, head, pictures) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    dropDoc: prepare('DELETE FROM doc WHERE rowid = ?'),
    versions: prepare('SELECT count(*) AS n FROM doc WHERE book_id = ?'),
    anyVersioned: prepare('SELECT 1 FROM doc GROUP BY book_id HAVING count(*) > 1 LIMIT 1'),
    docsById: prepare(
      `SELECT d.rowid AS rowid, d.book_id AS book_id, d.head AS head, d.pictures AS pictures,
         (SELECT min(store) FROM listing WHERE doc = d.rowid) AS store
       FROM doc d WHERE d.rowid IN (SELECT value FROM json_each(?))`,
    ),
    addFts: prepare(
      `INSERT INTO fts (rowid, ${SEARCH_FIELDS.join(', ')}) VALUES (?${', ?'.repeat(SEARCH_FIELDS.length)})`,
    ),
    dropFts: prepare('DELETE FROM fts WHERE rowid = ?'),
    getMeta: prepare('SELECT value FROM meta WHERE key = ?'),
    setMeta: prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
  };
}

/**
 * How a query is answered: within one store; site-wide where every book id has one version; or
 * site-wide grouped by book id once some book has two versions.
 */
export type MatchShape = 'store' | 'site' | 'grouped';

/**
 * The count and page statements of a shape. Each takes the MATCH expression (and, in a store, the
 * store); the page statement then takes LIMIT and OFFSET. Rows come as `{ rowid, rank }`, best
 * first, equal ranks by document number.
 */
export function prepareMatch(db: Sqlite, shape: MatchShape): { count: Statement; rows: Statement } {
  const page = 'LIMIT ? OFFSET ?';
  if (shape === 'store') {
    const where = 'FROM fts WHERE fts MATCH ? AND rowid IN (SELECT doc FROM listing WHERE store = ?)';
    return {
      count: db.prepare(`SELECT count(*) AS n ${where}`),
      rows: db.prepare(`SELECT rowid, rank ${where} ORDER BY rank, rowid ${page}`),
    };
  }
  if (shape === 'site') {
    return {
      count: db.prepare('SELECT count(*) AS n FROM fts WHERE fts MATCH ?'),
      rows: db.prepare(`SELECT rowid, rank FROM fts WHERE fts MATCH ? ORDER BY rank, rowid ${page}`),
    };
  }
  // Two versions of a book both matching: the better one stands for the book (SQLite takes the
  // bare columns of a min() group from the row holding the minimum).
  const from = 'FROM fts JOIN doc d ON d.rowid = fts.rowid WHERE fts MATCH ?';
  return {
    count: db.prepare(`SELECT count(DISTINCT d.book_id) AS n ${from}`),
    rows: db.prepare(
      `SELECT d.rowid AS rowid, min(fts.rank) AS rank ${from} GROUP BY d.book_id ORDER BY rank, d.rowid ${page}`,
    ),
  };
}
