/**
 * Keeps a process's BookIndex a projection of the books in Redis. At start it opens the index file
 * this process left under DATA_DIR (a free slot of `search/index-<n>.sqlite`; another process's live
 * file is locked) and checks it against Redis: a file from another Redis or key space (its `epoch`
 * differs from `{cat}:epoch`) is emptied; then each store's listing count (and the catalogue's) is
 * compared with the index's, and only a store that differs is read and indexed. Listings are only
 * ever added, so equal counts mean equal sets: a restart reads little, a first start reads everything.
 * After that it tails the catalogue change stream (src/catalogue/changes.ts), so a book added through
 * any process is found through every process within a second. The stream position is taken before
 * the check, so no change falls between the two.
 */
import { randomBytes } from 'node:crypto';
import type { BookRecord } from '../catalogue/book.ts';
import { announceChange, type Change, latestChange, readChanges } from '../catalogue/changes.ts';
import type { Logger } from '../log.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { Keys } from '../redis/keys.ts';
import { scanKeys } from '../redis/scan.ts';
import type { BookIndex } from './book-index.ts';
import { openIndex, SLOTS } from './index-files.ts';

/** Books fetched and indexed per step of the start-up check (one HMGET, one transaction). */
const CATCH_UP_BATCH = 500;

/** What the start-up check found: listings in the index, how many it had to read, how long it took. */
export type StartStats = { books: number; indexed: number; ms: number };

/** A listing to index from a book's stored JSON: none when it is missing or unreadable. */
function listingOf(store: string, json: string | null) {
  try {
    return json ? [{ store, book: JSON.parse(json) as BookRecord, json }] : [];
  } catch {
    return [];
  }
}

export class Projection {
  readonly index: BookIndex;
  /** the last change-stream entry indexed */
  private position = '0-0';
  private running = false;
  private lastStart: StartStats | undefined;
  private markBuilt: () => void = () => {};
  private readonly ready = new Promise<void>((resolve) => {
    this.markBuilt = resolve;
  });

  constructor(
    private readonly redis: RedisClient,
    /** the connection the stream is followed on (none: checked, never followed) */
    private readonly tail: RedisClient | undefined,
    private readonly keys: Keys,
    private readonly log: Logger,
    dataDir = '',
    slots = SLOTS,
  ) {
    this.index = openIndex(dataDir, slots);
  }

  /**
   * Brings the index file up to date with Redis (see the file's comment); the stream position is
   * taken first, so following it afterwards misses nothing.
   */
  async check(): Promise<StartStats> {
    const started = performance.now();
    await this.matchEpoch();
    this.position = await latestChange(this.redis, this.keys);
    const sources = await this.sources();
    // Every count in one round trip (ioredis writes the commands without waiting for answers).
    const lengths = await Promise.all(sources.map(({ key }) => this.redis.hlen(key)));
    let indexed = 0;
    for (const [i, { store, key }] of sources.entries()) {
      if (lengths[i] !== this.index.countIn(store)) indexed += await this.catchUp(store, key);
    }
    return { books: this.index.size, indexed, ms: Math.round(performance.now() - started) };
  }

  /** Checks the index against Redis, then follows the change stream. */
  async start(): Promise<StartStats> {
    this.lastStart = await this.check();
    this.running = true;
    this.markBuilt();
    void this.follow();
    return this.lastStart;
  }

  /** What the start-up check found; undefined until it is done. */
  get startStats(): StartStats | undefined {
    return this.lastStart;
  }

  /** True once the start-up check is done. */
  get built(): boolean {
    return this.lastStart !== undefined;
  }

  /** Waits for the start-up check, at most `timeoutMs`; false when it is still running. */
  async whenBuilt(timeoutMs: number): Promise<boolean> {
    if (this.built) return true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const result = await Promise.race([this.ready.then(() => true), late]);
    clearTimeout(timer);
    return result;
  }

  /**
   * Announces a book added to a store ('' for the catalogue) to every process, this one at once;
   * `json` is the book as stored.
   */
  async announce(store: string, bookId: string, json: string): Promise<void> {
    this.index.upsertAll(listingOf(store, json));
    await announceChange(this.redis, this.keys, { store, bookId });
  }

  stop(): void {
    this.running = false;
    this.tail?.disconnect();
    this.index.close();
  }

  /** Empties an index built from another Redis or key space, and marks it as this one's. */
  private async matchEpoch(): Promise<void> {
    const key = this.keys.catalogueEpoch();
    await this.redis.set(key, randomBytes(12).toString('base64url'), 'NX');
    const epoch = (await this.redis.get(key)) ?? '';
    if (this.index.meta('epoch') === epoch) return;
    this.index.clear();
    this.index.setMeta('epoch', epoch);
  }

  /** Every store's books hash and the catalogue's (store ''). */
  private async sources(): Promise<{ store: string; key: string }[]> {
    const keys = await scanKeys(this.redis, this.keys.patterns.storeBooks);
    const stores = keys.flatMap((key) => {
      const store = this.keys.parseBooksKey(key);
      return store === undefined ? [] : [{ store, key }];
    });
    return [...stores, { store: '', key: this.keys.catalogueBooks() }];
  }

  /**
   * Indexes every listing of a store ('' for the catalogue) the index lacks; how many were added.
   * Only the ids are read in full (HKEYS); the books are fetched for the ids the index lacks.
   */
  private async catchUp(store: string, key: string): Promise<number> {
    const missing = (await this.redis.hkeys(key)).filter((id) => !this.index.has(store, id));
    let added = 0;
    for (let start = 0; start < missing.length; start += CATCH_UP_BATCH) {
      const jsons = await this.redis.hmget(key, ...missing.slice(start, start + CATCH_UP_BATCH));
      added += this.index.upsertAll(jsons.flatMap((json) => listingOf(store, json)));
    }
    return added;
  }

  /**
   * Reads the change stream and indexes what it names until stopped, retrying after a failure (a
   * Redis outage: one line when it starts failing, one when it reads again, not one per retry).
   */
  private async follow(): Promise<void> {
    let failing = false;
    while (this.running) {
      try {
        const read = await readChanges(this.tail as RedisClient, this.keys, this.position, {
          count: 500,
          blockMs: 1000,
        });
        if (read.changes.length > 0) await this.apply(read.changes);
        // Moved only once indexed: a batch that fails is read again.
        this.position = read.position;
        if (failing) this.log.info('catalogue stream read again');
        failing = false;
      } catch (error) {
        if (this.running && !failing)
          this.log.warn('catalogue stream read failed; retrying', { error: (error as Error).message });
        failing = true;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /**
   * Indexes the listings a batch of changes names: the books fetched together (ioredis writes the
   * commands without waiting for answers), indexed in one transaction (one FTS5 segment per batch,
   * not per book: an import of 40,000 books arrives as 80 batches).
   */
  private async apply(changes: Change[]): Promise<void> {
    const { redis, keys } = this;
    const jsons = await Promise.all(
      changes.map(({ store, bookId }) =>
        redis.hget(store ? keys.books(store) : keys.catalogueBooks(), bookId),
      ),
    );
    const entries = changes.flatMap(({ store }, i) => listingOf(store, jsons[i] ?? null));
    // The projection may have stopped, closing the index, while the books were fetched.
    if (this.running) this.index.upsertAll(entries);
  }
}

/** The projection of the books in `redis` into an index under `dataDir` (in memory when empty). */
export function createProjection(
  redis: RedisClient,
  tail: RedisClient | undefined,
  keys: Keys,
  log: Logger,
  dataDir = '',
  slots = SLOTS,
): Projection {
  return new Projection(redis, tail, keys, log, dataDir, slots);
}
