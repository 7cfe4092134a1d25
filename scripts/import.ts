/**
 * `npm run import -- <file.db> [--store <id> --seller <id> --stock <n>]`: imports a book.db catalogue
 * (SQLite, schema in ../shared/data/README.md) into the store of record, streaming it row by row so a
 * file of any size fits in memory. Each book becomes a BookRecord in the catalogue hash (its picture
 * a blob under DATA_DIR, by content hash), added only if absent so a re-run adds nothing, with one
 * change-stream entry per new book so running servers index it within a second. With --store, every
 * book is also listed in that store (opened for --seller if missing) with --stock copies, skipping
 * books already listed there. Connects like the server: REDIS_URL, REDIS_CLUSTER_NODES or the
 * embedded Redis under DATA_DIR, keys under KEY_PREFIX.
 */
import { BlobStore } from '../src/catalogue/blobs.ts';
import { announceChange } from '../src/catalogue/changes.ts';
import { loadConfig } from '../src/config.ts';
import { createCoreDeps } from '../src/deps.ts';
import { addBook, createStore, type ListingDeps } from '../src/domain/stores.ts';
import { DomainError } from '../src/errors.ts';
import { createLogger } from '../src/log.ts';
import { Code } from '../src/lua/codes.ts';
import { defineScripts } from '../src/lua/load.ts';
import { connectRedis, type RedisConnection } from '../src/redis/connect.ts';
import { openBookDb } from './import/book-db.ts';
import { type Listing, parseCommandLine } from './import/command-line.ts';
import { updateSearchIndex } from './import/search-index.ts';
import { type Counts, type Entry, importBooks } from './import/write-books.ts';

/**
 * What the import needs of the service's wiring: keys, scripts and actors, the blob store, and change
 * announcements on the stream (without the search index every server builds for itself).
 */
function wire(redis: RedisConnection, config: ReturnType<typeof loadConfig>): ListingDeps {
  const core = createCoreDeps(redis.client, config, createLogger(config.LOG_LEVEL));
  const announce = (store: string, bookId: string) =>
    announceChange(redis.client, core.keys, { store, bookId });
  return { ...core, blobs: new BlobStore(config.DATA_DIR), catalogue: { announce } };
}

/** Checks the seller and opens the store for them if missing; refuses a store of someone else's. */
async function prepareStore(d: ListingDeps, { store, seller }: Listing): Promise<void> {
  const state = await d.redis.hget(d.keys.user(seller), 'state');
  if (state !== 'active') throw new Error(`seller ${seller} does not exist (register it first)`);
  const owner = await d.redis.hget(d.keys.store(store), 'owner');
  if (owner === null) await createStore(d, seller, store);
  else if (owner !== seller) throw new Error(`store ${store} belongs to ${owner}, not to seller ${seller}`);
}

/** Lists the batch in the store (each listing announced); answers how many were not listed there before. */
async function listBatch(d: ListingDeps, listing: Listing, batch: Entry[]): Promise<number> {
  const outcomes = await Promise.all(
    batch.map(({ book, json }) =>
      addBook(d, listing.seller, listing.store, { id: book.id, price: book.price, json }, listing.stock).then(
        () => true,
        (error: unknown) => {
          if (error instanceof DomainError && error.code === Code.BOOK_EXISTS) return false;
          throw error;
        },
      ),
    ),
  );
  return outcomes.filter(Boolean).length;
}

/** The lines of the import's report about the books, their pictures and the store. */
function report(c: Counts, listing: Listing | undefined): string[] {
  const lines = [
    `read ${c.read} books: ${c.added} added, ${c.present} already present` +
      (c.skipped ? `, ${c.skipped} skipped (missing or too long id)` : ''),
    `pictures stored ${c.pictures.count} (${c.pictures.newFiles} new files), ` +
      `${c.pictures.bytes} bytes (${c.pictures.written} written)`,
  ];
  if (listing) {
    const before = c.read - c.skipped - c.listed;
    lines.push(
      `store ${listing.store}: ${c.listed} listed with stock ${listing.stock}, ${before} already listed`,
    );
  }
  return lines;
}

async function main() {
  const { file, listing } = parseCommandLine();
  const config = loadConfig(process.env);
  const db = openBookDb(file);
  const started = performance.now();
  const redis = await connectRedis(config, (line) => process.stderr.write(`${line}\n`), defineScripts);
  const d = wire(redis, config);
  try {
    if (listing) await prepareStore(d, listing);
    const list = listing && ((batch: Entry[]) => listBatch(d, listing, batch));
    const c = await importBooks(db, { ...d, list });
    const indexed = await updateSearchIndex(d.redis, d.keys, config.DATA_DIR);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const where = `imported ${file} into ${redis.describe}, prefix ${config.KEY_PREFIX}, blobs in ${d.blobs.root}`;
    process.stdout.write(`${[where, ...report(c, listing), indexed, `${seconds} s`].join('\n')}\n`);
  } finally {
    db.close();
    d.actors.stopAll();
    await redis.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`import failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
