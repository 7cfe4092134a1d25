/**
 * Writing the books of a book.db: each picture stored as a blob, the books added to the catalogue
 * hash in batches, each batch at once with its change-stream entries, and (with --store) listed in a
 * store; a progress bar on the terminal meanwhile, and the counts the import reports.
 */
import cliProgress from 'cli-progress';
import type { BlobStore } from '../../src/catalogue/blobs.ts';
import type { BookRecord } from '../../src/catalogue/book.ts';
import { CHANGE_STREAM_LENGTH } from '../../src/catalogue/changes.ts';
import type { RedisClient } from '../../src/redis/connect.ts';
import type { Keys } from '../../src/redis/keys.ts';
import { type BookDb, bookIdOf, countBooks, type Row, readBooks, toRecord } from './book-db.ts';

/** Books per round trip to Redis. */
const BATCH = 200;

/**
 * One batch of the catalogue, atomically: each book is added unless present (HSETNX) and each added
 * one announced on the change stream, so a crash never leaves an added book unannounced.
 * KEYS: catalogue hash, change stream. ARGV: stream cap, then id, JSON pairs. Answers the added ids.
 */
const ADD_BATCH = `
local added = {}
for i = 2, #ARGV, 2 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) == 1 then
    redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], '*', 'store', '', 'book', ARGV[i])
    added[#added + 1] = ARGV[i]
  end
end
return added`;

/** A book as stored, with its JSON. */
export interface Entry {
  book: BookRecord;
  json: string;
}

export interface Writer {
  redis: RedisClient;
  keys: Keys;
  blobs: BlobStore;
  /** Lists a batch in the store of --store; answers how many were not listed there before. */
  list?: (batch: Entry[]) => Promise<number>;
}

export interface Counts {
  read: number;
  added: number;
  present: number;
  /** rows without a usable id */
  skipped: number;
  listed: number;
  pictures: { count: number; newFiles: number; bytes: number; written: number };
}

/** Imports every row of `db`; answers what it did. */
export async function importBooks(db: BookDb, w: Writer): Promise<Counts> {
  const counts: Counts = { read: 0, added: 0, present: 0, skipped: 0, listed: 0, pictures: zeroPictures() };
  const bar = progressBar(countBooks(db));
  let batch: Entry[] = [];
  const flush = async () => {
    await writeBatch(w, batch, counts);
    bar.increment(batch.length);
    batch = [];
  };
  try {
    for (const row of readBooks(db)) {
      counts.read++;
      if (bookIdOf(row) === undefined) {
        counts.skipped++;
        bar.increment();
        continue;
      }
      const book = toRecord(row, await storePicture(w.blobs, row, counts.pictures));
      batch.push({ book, json: JSON.stringify(book) });
      if (batch.length >= BATCH) await flush();
    }
    if (batch.length > 0) await flush();
  } finally {
    bar.stop();
  }
  return counts;
}

const zeroPictures = () => ({ count: 0, newFiles: 0, bytes: 0, written: 0 });

function progressBar(total: number): cliProgress.SingleBar {
  const bar = new cliProgress.SingleBar(
    {
      format: 'import [{bar}] {percentage}% | {value}/{total} books | eta {eta_formatted}',
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
}

/** Stores the row's picture, if it has one, as a blob; answers the book's picture hashes. */
async function storePicture(blobs: BlobStore, row: Row, counts: Counts['pictures']): Promise<string[]> {
  if (!row.picture || row.picture.length === 0) return [];
  const { hash, written } = await blobs.store(row.picture);
  counts.count++;
  counts.bytes += row.picture.length;
  if (written) {
    counts.newFiles++;
    counts.written += row.picture.length;
  }
  return [hash];
}

/** Adds a batch to the catalogue (and lists it with --store), counting what was new. */
async function writeBatch(w: Writer, batch: Entry[], counts: Counts): Promise<void> {
  const keys = [w.keys.catalogueBooks(), w.keys.catalogueChanges()];
  const args = batch.flatMap(({ book, json }) => [book.id, json]);
  const added = (await w.redis.eval(ADD_BATCH, 2, ...keys, CHANGE_STREAM_LENGTH, ...args)) as string[];
  counts.added += added.length;
  counts.present += batch.length - added.length;
  if (w.list) counts.listed += await w.list(batch);
}
