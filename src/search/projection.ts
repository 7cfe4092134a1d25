/**
 * Keeps a process's BookIndex a projection of the books in Redis. At start it opens the index file
 * this process left under DATA_DIR (a free slot of `search/index-<n>.sqlite`; another process's live
 * file is locked) and checks it against Redis: a file from another Redis or key space (its `epoch`
 * differs from `{cat}:epoch`) is emptied; then each store's listing count (and the catalogue's) is
 * compared with the index's, and only a store that differs is read and indexed. Listings are only
 * ever added, so equal counts mean equal sets: a restart reads little, a first start reads everything.
 * After that it tails the catalogue change stream (`{cat}:changes`, one entry per added book), so a
 * book added through any process is found through every process within a second. The stream position
 * is taken before the check, so no change falls between the two.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BookRecord } from '../catalogue/book.ts';
import type { Logger } from '../log.ts';
import type { RedisClient } from '../redis/connect.ts';
import { decodeId, type Keys } from '../redis/keys.ts';
import { scanKeys } from '../redis/scan.ts';
import { BookIndex } from './book-index.ts';
import { isBusy } from './sqlite.ts';

/** How many change entries the stream keeps (older ones are trimmed; a restart rebuilds anyway). */
const STREAM_LENGTH = 1_000_000;

/** Books fetched and indexed per step of the start-up check (one HMGET, one transaction). */
const CATCH_UP_BATCH = 500;

/** Processes that may share one DATA_DIR, each with an index file of its own. */
const SLOTS = 32;

/**
 * The first index file under `dir` no live process holds (in memory when `dir` is empty); with
 * `slots: 1` only the first file (the one a lone server uses), throwing SQLITE_BUSY when it is held.
 */
function openIndex(dir: string, slots = SLOTS): BookIndex {
  if (!dir) return new BookIndex();
  const folder = join(dir, 'search');
  mkdirSync(folder, { recursive: true });
  for (let slot = 0; slot < slots; slot++) {
    const file = join(folder, `index-${slot}.sqlite`);
    try {
      return new BookIndex(file);
    } catch (error) {
      if (isBusy(error) && slots > 1) continue;
      if (isBusy(error)) throw error;
      // A file SQLite cannot read (cut short by a power failure, say): the index is derived data,
      // so it starts afresh and the start-up check fills it from Redis.
      for (const part of ['', '-wal', '-shm']) rmSync(`${file}${part}`, { force: true });
      return new BookIndex(file);
    }
  }
  throw new Error(`all ${slots} search index files under ${folder} are in use`);
}

/** A field of a stream entry (`[name, value, name, value, ...]`). */
function fieldOf(fields: string[], name: string): string {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1] ?? '';
  return '';
}

export function createProjection(
  redis: RedisClient,
  tail: RedisClient | undefined,
  keys: Keys,
  log: Logger,
  dataDir = '',
  slots = SLOTS,
) {
  const index = openIndex(dataDir, slots);
  const stream = keys.catalogueChanges();
  let position = '0-0';
  let running = false;
  let built = false;
  let lastStart: { books: number; indexed: number; ms: number } | undefined;
  let markBuilt: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markBuilt = resolve;
  });

  /** A listing to index from a book's stored JSON: none when it is missing or unreadable. */
  const listingOf = (store: string, json: string | null) => {
    try {
      return json ? [{ store, book: JSON.parse(json) as BookRecord, json }] : [];
    } catch {
      return [];
    }
  };
  const storeOf = (booksKey: string) =>
    decodeId(booksKey.slice(`${keys.prefix}:{s:`.length, -'}:books'.length));

  /**
   * Indexes the listings a batch of change entries names: the books fetched together (ioredis
   * writes the commands without waiting for answers), indexed in one transaction (one FTS5 segment
   * per batch, not per book: an import of 40,000 books arrives as 80 batches).
   */
  async function apply(changes: { store: string; bookId: string }[]): Promise<void> {
    const jsons = await Promise.all(
      changes.map(({ store, bookId }) =>
        redis.hget(store ? keys.books(store) : keys.catalogueBooks(), bookId),
      ),
    );
    const entries = changes.flatMap(({ store }, i) => listingOf(store, jsons[i] ?? null));
    if (running) index.upsertAll(entries);
  }

  /**
   * Indexes every listing of a store ('' for the catalogue) the index lacks; how many were added.
   * Only the ids are read in full (HKEYS); the books are fetched for the ids the index lacks.
   */
  async function catchUp(store: string, key: string): Promise<number> {
    const missing = (await redis.hkeys(key)).filter((id) => !index.has(store, id));
    let added = 0;
    for (let start = 0; start < missing.length; start += CATCH_UP_BATCH) {
      const ids = missing.slice(start, start + CATCH_UP_BATCH);
      const jsons = await redis.hmget(key, ...ids);
      added += index.upsertAll(jsons.flatMap((json) => listingOf(store, json)));
    }
    return added;
  }

  async function follow(): Promise<void> {
    while (running) {
      try {
        const reply = (await (tail as RedisClient).xread(
          'COUNT',
          500,
          'BLOCK',
          1000,
          'STREAMS',
          stream,
          position,
        )) as [string, [string, string[]][]][] | null;
        for (const [, entries] of reply ?? []) {
          if (entries.length === 0) continue;
          await apply(
            entries.map(([, fields]) => ({
              store: fieldOf(fields, 'store'),
              bookId: fieldOf(fields, 'book'),
            })),
          );
          position = entries[entries.length - 1]?.[0] ?? position;
        }
      } catch (error) {
        if (running) log.warn('catalogue stream read failed; retrying', { error: (error as Error).message });
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  return {
    index,
    /**
     * Brings the index file up to date with Redis (see the file's comment); the stream position
     * is taken first, so following it afterwards misses nothing.
     */
    async check(): Promise<{ books: number; indexed: number; ms: number }> {
      const started = performance.now();
      await redis.set(keys.catalogueEpoch(), randomBytes(12).toString('base64url'), 'NX');
      const epoch = (await redis.get(keys.catalogueEpoch())) ?? '';
      if (index.meta('epoch') !== epoch) {
        index.clear();
        index.setMeta('epoch', epoch);
      }
      const last = (await redis.xrevrange(stream, '+', '-', 'COUNT', 1)) as [string, string[]][];
      position = last[0]?.[0] ?? '0-0';
      const sources = (await scanKeys(redis, keys.patterns.storeBooks)).map((key) => ({
        store: storeOf(key),
        key,
      }));
      sources.push({ store: '', key: keys.catalogueBooks() });
      // Every count in one round trip (ioredis writes the commands without waiting for answers).
      const lengths = await Promise.all(sources.map(({ key }) => redis.hlen(key)));
      let indexed = 0;
      for (const [i, { store, key }] of sources.entries()) {
        if (lengths[i] !== index.countIn(store)) indexed += await catchUp(store, key);
      }
      return { books: index.size, indexed, ms: Math.round(performance.now() - started) };
    },
    /** Checks the index against Redis, then follows the change stream. */
    async start(): Promise<{ books: number; indexed: number; ms: number }> {
      lastStart = await this.check();
      running = true;
      built = true;
      markBuilt();
      void follow();
      return lastStart;
    },
    /** What the start-up check found: listings in the index, how many it had to read, how long. */
    get startStats(): { books: number; indexed: number; ms: number } | undefined {
      return lastStart;
    },
    /** True once the start-up rebuild is done. */
    get built(): boolean {
      return built;
    },
    /** Waits for the start-up rebuild, at most `timeoutMs`; false when it is still running. */
    async whenBuilt(timeoutMs: number): Promise<boolean> {
      if (built) return true;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const result = await Promise.race([ready.then(() => true), late]);
      clearTimeout(timer);
      return result;
    },
    /**
     * Announces a book added to a store ('' for the catalogue) to every process, this one at once;
     * `json` is the book as stored.
     */
    async announce(store: string, bookId: string, json: string): Promise<void> {
      index.upsertAll(listingOf(store, json));
      await redis.xadd(stream, 'MAXLEN', '~', STREAM_LENGTH, '*', 'store', store, 'book', bookId);
    },
    stop(): void {
      running = false;
      tail?.disconnect();
      index.close();
    },
  };
}

export type Projection = ReturnType<typeof createProjection>;
