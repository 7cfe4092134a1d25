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
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import cliProgress from 'cli-progress';
import { createActorSystem } from '../src/actors/system.ts';
import { BlobStore } from '../src/catalogue/blobs.ts';
import type { BookRecord } from '../src/catalogue/book.ts';
import { loadConfig } from '../src/config.ts';
import { addBook, createStore, type ListingDeps } from '../src/domain/stores.ts';
import { DomainError } from '../src/errors.ts';
import { MAX_COUNT } from '../src/http/schemas.ts';
import { createLogger } from '../src/log.ts';
import { Code } from '../src/lua/codes.ts';
import { defineScripts } from '../src/lua/load.ts';
import { scriptCalls } from '../src/lua/scripts.ts';
import { connectRedis, type RedisConnection } from '../src/redis/connect.ts';
import { keySpace } from '../src/redis/keys.ts';
import { createProjection } from '../src/search/projection.ts';
import { isBusy } from '../src/search/sqlite.ts';

const BATCH = 200;
/** The change stream's length cap, as the search projection trims it. */
const STREAM_LENGTH = 1_000_000;

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

/** A row of book.db: text and integer columns (any may be null), the picture's bytes. */
interface Row {
  [column: string]: unknown;
  picture?: Buffer | null;
}

/** A book as stored, with its JSON. */
interface Entry {
  book: BookRecord;
  json: string;
}

interface Listing {
  store: string;
  seller: string;
  stock: number;
}

function usage(problem: string): never {
  process.stderr.write(
    `${problem}\nusage: npm run import -- <file.db> [--store <id> --seller <id> --stock <n>]\n`,
  );
  process.exit(2);
}

const parseCommand = () =>
  parseArgs({
    options: { store: { type: 'string' }, seller: { type: 'string' }, stock: { type: 'string' } },
    allowPositionals: true,
  });

function parseCommandLine(): { file: string; listing?: Listing } {
  let parsed: ReturnType<typeof parseCommand>;
  try {
    parsed = parseCommand();
  } catch (error) {
    usage((error as Error).message);
  }
  const { positionals, values } = parsed;
  const [file, ...extra] = positionals;
  if (!file || extra.length) usage('expected exactly one SQLite file');
  const { store, seller, stock } = values;
  if (store === undefined && seller === undefined && stock === undefined) return { file };
  if (!store || !seller || stock === undefined) usage('--store, --seller and --stock go together');
  const copies = Number(stock);
  if (!/^\d+$/.test(stock) || copies > MAX_COUNT) usage(`--stock must be an integer from 0 to ${MAX_COUNT}`);
  return { file, listing: { store, seller, stock: copies } };
}

const text = (value: unknown) => (value === null || value === undefined ? null : String(value));

/** A row of book.db as the stored book: tags one per line, the picture as its blob hash. */
function toRecord(row: Row, pictures: string[]): BookRecord {
  const price = Number(row.price ?? 0);
  return {
    id: String(row.id),
    title: text(row.title) ?? '',
    author: text(row.author),
    publisher: text(row.publisher),
    original_title: text(row.original_title),
    translator: text(row.translator),
    pub_year: text(row.pub_year),
    pages: row.pages === null || row.pages === undefined ? null : Number(row.pages),
    price: Number.isSafeInteger(price) && price >= 0 ? price : 0,
    currency_unit: text(row.currency_unit),
    binding: text(row.binding),
    isbn: text(row.isbn),
    author_intro: text(row.author_intro),
    book_intro: text(row.book_intro),
    content: text(row.content),
    tags: (text(row.tags) ?? '')
      .split('\n')
      .map((tag) => tag.trim())
      .filter((tag) => tag !== ''),
    pictures,
  };
}

/**
 * What the import needs of the service's wiring: keys, the store actors, the blob store, and change
 * announcements on the stream (without the search index every server builds for itself).
 */
function wire(redis: RedisConnection, config: ReturnType<typeof loadConfig>): ListingDeps {
  const keys = keySpace(config.KEY_PREFIX);
  const actors = createActorSystem(redis.client, {
    capacity: config.MAILBOX_CAPACITY,
    timeoutMs: config.ASK_TIMEOUT_MS,
  });
  const announce = async (store: string, bookId: string) => {
    await redis.client.xadd(
      keys.catalogueChanges(),
      'MAXLEN',
      '~',
      STREAM_LENGTH,
      '*',
      'store',
      store,
      'book',
      bookId,
    );
  };
  return {
    redis: redis.client,
    keys,
    scripts: scriptCalls(keys),
    actors,
    blobs: new BlobStore(config.DATA_DIR),
    now: Date.now,
    catalogue: { announce },
  };
}

/** Checks the seller and opens the store for them if missing; refuses a store of someone else's. */
async function prepareStore(d: ListingDeps, { store, seller }: Listing): Promise<void> {
  const state = await d.redis.hget(d.keys.user(seller), 'state');
  if (state !== 'active') throw new Error(`seller ${seller} does not exist (register it first)`);
  const owner = await d.redis.hget(d.keys.store(store), 'owner');
  if (owner === null) await createStore(d, seller, store);
  else if (owner !== seller) throw new Error(`store ${store} belongs to ${owner}, not to seller ${seller}`);
}

/** Lists the batch in the store (each listing announced); counts those listed before. */
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

async function run(listing: Listing | undefined, d: ListingDeps, db: Database.Database) {
  const counts = { read: 0, added: 0, present: 0, skipped: 0 };
  const pics = { count: 0, newFiles: 0, bytes: 0, written: 0 };
  let listed = 0;
  if (listing) await prepareStore(d, listing);
  const { total } = db.prepare('select count(*) as total from book').get() as { total: number };
  const bar = new cliProgress.SingleBar(
    {
      format: 'import [{bar}] {percentage}% | {value}/{total} books | eta {eta_formatted}',
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  let batch: Entry[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const keys = [d.keys.catalogueBooks(), d.keys.catalogueChanges()];
    const args = batch.flatMap(({ book, json }) => [book.id, json]);
    const added = (await d.redis.eval(ADD_BATCH, 2, ...keys, STREAM_LENGTH, ...args)) as string[];
    counts.added += added.length;
    counts.present += batch.length - added.length;
    if (listing) listed += await listBatch(d, listing, batch);
    bar.increment(batch.length);
    batch = [];
  };
  try {
    // iterate(): one row at a time, so only the current batch's records (not pictures) are held.
    for (const row of db.prepare('select * from book').iterate() as IterableIterator<Row>) {
      counts.read++;
      const id = text(row.id);
      if (!id || id.length > 256) {
        counts.skipped++;
        bar.increment();
        continue;
      }
      const pictures: string[] = [];
      if (row.picture && row.picture.length > 0) {
        const { hash, written } = await d.blobs.store(row.picture);
        pictures.push(hash);
        pics.count++;
        pics.bytes += row.picture.length;
        if (written) {
          pics.newFiles++;
          pics.written += row.picture.length;
        }
      }
      const book = toRecord(row, pictures);
      batch.push({ book, json: JSON.stringify(book) });
      if (batch.length >= BATCH) await flush();
    }
    await flush();
  } finally {
    bar.stop();
  }
  return { ...counts, pics, listed };
}

/**
 * Brings the search index file under DATA_DIR (the one a lone server opens) up to date, so a server
 * started after the import serves searches at once instead of indexing everything first. A running
 * server holds that file and follows the import on the change stream itself: then nothing is done.
 */
async function updateSearchIndex(d: ListingDeps, dataDir: string): Promise<string> {
  let projection: ReturnType<typeof createProjection>;
  try {
    projection = createProjection(d.redis, undefined, d.keys, createLogger('warn'), dataDir, 1);
  } catch (error) {
    if (isBusy(error)) return 'search index: held by a running server, which indexes the import itself';
    throw error;
  }
  try {
    process.stdout.write('updating the search index...\n');
    const r = await projection.check();
    return `search index: ${r.books} listings, ${r.indexed} indexed now in ${(r.ms / 1000).toFixed(1)} s`;
  } finally {
    projection.stop();
  }
}

async function main() {
  const { file, listing } = parseCommandLine();
  const config = loadConfig(process.env);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new Error(`cannot open ${file}: ${(error as Error).message}`);
  }
  const started = performance.now();
  const redis = await connectRedis(config, (line) => process.stderr.write(`${line}\n`), defineScripts);
  const d = wire(redis, config);
  try {
    const c = await run(listing, d, db);
    const indexed = await updateSearchIndex(d, config.DATA_DIR);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const lines = [
      `imported ${file} into ${redis.describe}, prefix ${config.KEY_PREFIX}, blobs in ${d.blobs.root}`,
      `read ${c.read} books: ${c.added} added, ${c.present} already present` +
        (c.skipped ? `, ${c.skipped} skipped (missing or too long id)` : ''),
      `pictures stored ${c.pics.count} (${c.pics.newFiles} new files), ` +
        `${c.pics.bytes} bytes (${c.pics.written} written)`,
      ...(listing
        ? [
            `store ${listing.store}: ${c.listed} listed with stock ${listing.stock}, ` +
              `${c.read - c.skipped - c.listed} already listed`,
          ]
        : []),
      indexed,
      `${seconds} s`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
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
