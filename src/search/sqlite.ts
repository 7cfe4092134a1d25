/**
 * SQLite for the search index, on either runtime: better-sqlite3 on Node, the built-in `node:sqlite`
 * on Deno (better-sqlite3 is a nan addon, which Deno cannot load). Both bundle SQLite 3.53 with FTS5.
 * Only the small synchronous surface both share is exposed.
 */
export interface Statement {
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface Sqlite {
  exec(sql: string): void;
  prepare(sql: string): Statement;
  close(): void;
}

type Driver = new (path: string) => Sqlite;

// The module names are variables so that the type checker (Node 20 types) does not resolve node:sqlite.
const driverModule = 'Deno' in globalThis ? 'node:sqlite' : 'better-sqlite3';
const loaded = (await import(driverModule)) as { DatabaseSync?: Driver; default?: Driver };
const Database = (loaded.DatabaseSync ?? loaded.default) as Driver;

/** Opens (creating when missing) the database at `path`; `:memory:` for one that lives in memory. */
export function openSqlite(path: string): Sqlite {
  return new Database(path);
}

const depths = new WeakMap<Sqlite, number>();

/**
 * Runs `fn` in one transaction: committed when it returns, rolled back when it throws. A call inside
 * another joins the outer transaction (no savepoint: FTS5 writes its pending terms out as a segment
 * at every savepoint, which makes a bulk load many times slower).
 */
export function inTransaction<T>(db: Sqlite, fn: () => T): T {
  const depth = depths.get(db) ?? 0;
  if (depth > 0) return fn();
  db.exec('BEGIN');
  depths.set(db, 1);
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  } finally {
    depths.set(db, 0);
  }
}

/** True for SQLite's "database is locked/busy" errors (another process holds the file). */
export const isBusy = (error: unknown) =>
  /SQLITE_BUSY|database is locked/i.test(
    `${(error as { code?: string }).code ?? ''} ${(error as Error).message}`,
  );
