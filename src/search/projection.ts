/**
 * Keeps a process's BookIndex a projection of the books in Redis: rebuilt from every store's
 * listings and the imported catalogue at start, then kept current by tailing the catalogue change
 * stream (`{cat}:changes`, one entry per added book), so a book added through any process is found
 * through every process within a second. The stream position is taken before the rebuild, so no
 * change falls between the two.
 */
import type { BookRecord } from '../catalogue/book.ts';
import type { Logger } from '../log.ts';
import type { RedisClient } from '../redis/connect.ts';
import { decodeId, type Keys } from '../redis/keys.ts';
import { scanKeys } from '../redis/scan.ts';
import { BookIndex } from './book-index.ts';

/** How many change entries the stream keeps (older ones are trimmed; a restart rebuilds anyway). */
const STREAM_LENGTH = 1_000_000;

async function* hashEntries(redis: RedisClient, key: string): AsyncGenerator<[string, string]> {
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(key, cursor, 'COUNT', 500);
    cursor = next;
    for (let i = 0; i + 1 < flat.length; i += 2) yield [flat[i] ?? '', flat[i + 1] ?? ''];
  } while (cursor !== '0');
}

/** A field of a stream entry (`[name, value, name, value, ...]`). */
function fieldOf(fields: string[], name: string): string {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1] ?? '';
  return '';
}

export function createProjection(redis: RedisClient, tail: RedisClient, keys: Keys, log: Logger) {
  const index = new BookIndex();
  const stream = keys.catalogueChanges();
  let position = '0-0';
  let running = false;
  let built = false;
  let markBuilt: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markBuilt = resolve;
  });

  const parse = (json: string | null): BookRecord | undefined => {
    try {
      return json ? (JSON.parse(json) as BookRecord) : undefined;
    } catch {
      return undefined;
    }
  };
  const storeOf = (booksKey: string) =>
    decodeId(booksKey.slice(`${keys.prefix}:{s:`.length, -'}:books'.length));

  async function apply(store: string, bookId: string): Promise<void> {
    const json = await redis.hget(store ? keys.books(store) : keys.catalogueBooks(), bookId);
    const book = parse(json);
    if (book) index.upsert(store, book);
  }

  async function follow(): Promise<void> {
    while (running) {
      try {
        const reply = (await tail.xread('COUNT', 500, 'BLOCK', 1000, 'STREAMS', stream, position)) as
          | [string, [string, string[]][]][]
          | null;
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            position = id;
            await apply(fieldOf(fields, 'store'), fieldOf(fields, 'book'));
          }
        }
      } catch (error) {
        if (running) log.warn('catalogue stream read failed; retrying', { error: (error as Error).message });
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  return {
    index,
    /** Rebuilds the index from Redis and starts following the change stream. */
    async start(): Promise<{ books: number; ms: number }> {
      const started = performance.now();
      const last = (await redis.xrevrange(stream, '+', '-', 'COUNT', 1)) as [string, string[]][];
      position = last[0]?.[0] ?? '0-0';
      for (const booksKey of await scanKeys(redis, keys.patterns.storeBooks)) {
        const store = storeOf(booksKey);
        for await (const [, json] of hashEntries(redis, booksKey)) {
          const book = parse(json);
          if (book) index.upsert(store, book);
        }
      }
      for await (const [, json] of hashEntries(redis, keys.catalogueBooks())) {
        const book = parse(json);
        if (book) index.upsert('', book);
      }
      running = true;
      built = true;
      markBuilt();
      void follow();
      return { books: index.size, ms: Math.round(performance.now() - started) };
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
    /** Announces a book added to a store ('' for the catalogue) to every process, this one at once. */
    async announce(store: string, book: BookRecord): Promise<void> {
      index.upsert(store, book);
      await redis.xadd(stream, 'MAXLEN', '~', STREAM_LENGTH, '*', 'store', store, 'book', book.id);
    },
    stop(): void {
      running = false;
      tail.disconnect();
    },
  };
}

export type Projection = ReturnType<typeof createProjection>;
