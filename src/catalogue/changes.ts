/**
 * The catalogue change stream (`{cat}:changes`): one entry per listing added to a store or to the
 * imported catalogue (store ''), naming the store and the book. Every process's search projection
 * (src/search/projection.ts) follows it to index books added through any other process; the
 * projection and the importer write it.
 */
import type { RedisClient } from '../redis/connect.ts';
import type { Keys } from '../redis/keys.ts';

/**
 * How many entries the stream keeps. Older ones are trimmed: a process that starts reads the books
 * themselves from Redis, never the stream's history.
 */
export const CHANGE_STREAM_LENGTH = 1_000_000;

/** A listing added: the store ('' for the catalogue) and the book id. */
export interface Change {
  store: string;
  bookId: string;
}

/** Appends one entry to the stream. */
export async function announceChange(redis: RedisClient, keys: Keys, { store, bookId }: Change) {
  await redis.xadd(
    keys.catalogueChanges(),
    'MAXLEN',
    '~',
    CHANGE_STREAM_LENGTH,
    '*',
    'store',
    store,
    'book',
    bookId,
  );
}

/** The id of the newest entry ('0-0' when there is none): following from it reads what comes next. */
export async function latestChange(redis: RedisClient, keys: Keys): Promise<string> {
  const last = (await redis.xrevrange(keys.catalogueChanges(), '+', '-', 'COUNT', 1)) as [string, string[]][];
  return last[0]?.[0] ?? '0-0';
}

type StreamReply = [string, [string, string[]][]][] | null;

/**
 * Up to `count` entries after `position`, waiting up to `blockMs` for the first one (`tail` must be a
 * connection of its own: the read blocks it). Answers the changes and the position to read from next.
 */
export async function readChanges(
  tail: RedisClient,
  keys: Keys,
  position: string,
  { count, blockMs }: { count: number; blockMs: number },
): Promise<{ changes: Change[]; position: string }> {
  const stream = keys.catalogueChanges();
  const reply = (await tail.xread(
    'COUNT',
    count,
    'BLOCK',
    blockMs,
    'STREAMS',
    stream,
    position,
  )) as StreamReply;
  const entries = reply?.[0]?.[1] ?? [];
  return {
    changes: entries.map(([, fields]) => ({
      store: fieldOf(fields, 'store'),
      bookId: fieldOf(fields, 'book'),
    })),
    position: entries[entries.length - 1]?.[0] ?? position,
  };
}

/** A field of a stream entry (`[name, value, name, value, ...]`); '' when absent. */
function fieldOf(fields: string[], name: string): string {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1] ?? '';
  return '';
}
