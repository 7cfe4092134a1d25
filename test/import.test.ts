/**
 * The catalogue importer (scripts/import.ts) as a child process against the run's Redis, on a
 * SQLite file of book.db's schema generated here (so the test needs no shared data): books land in
 * the catalogue hash with tags as arrays and pictures as blobs, a re-run adds nothing, and
 * `--store/--seller/--stock` lists every book in a store.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import type { BookRecord } from '../src/catalogue/book.ts';
import { newUser, uid } from './support/client.ts';
import { type Harness, redisEnv, startHarness, uniquePrefix } from './support/harness.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bookstore-import-'));
const dataDir = join(dir, 'data');
const dbFile = join(dir, 'book.db');
const prefix = uniquePrefix();

const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(3000)]);
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(500)]);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const books = [
  {
    id: '1000067',
    title: '美丽心灵',
    author: '[美] 西尔维娅·娜萨',
    pub_year: '2002-1',
    pages: 594,
    price: 3879,
    currency_unit: '元',
    tags: '传记\n 纳什 \n\n数学\n',
    book_intro: '这是一部关于数学家纳什的传记。',
    picture: jpeg,
  },
  { id: '2', title: 'Plain English', price: 1250, tags: null, picture: null },
  { id: '3', title: '三体', author: '刘慈欣', price: 2300, tags: '科幻\r\n刘慈欣', picture: png },
  { id: '4', title: 'Same cover', price: 0, tags: '', picture: jpeg },
];

function writeCatalogue() {
  const db = new Database(dbFile);
  db.exec(`create table book (
    id TEXT primary key, title TEXT, author TEXT, publisher TEXT, original_title TEXT,
    translator TEXT, pub_year TEXT, pages INTEGER, price INTEGER, currency_unit TEXT,
    binding TEXT, isbn TEXT, author_intro TEXT, book_intro text, content TEXT,
    tags TEXT, picture BLOB)`);
  const insert = db.prepare(
    `insert into book (id, title, author, pub_year, pages, price, currency_unit, book_intro, tags, picture)
     values (@id, @title, @author, @pub_year, @pages, @price, @currency_unit, @book_intro, @tags, @picture)`,
  );
  for (const book of books)
    insert.run({ author: null, pub_year: null, pages: null, currency_unit: null, book_intro: null, ...book });
  db.close();
}

/** Runs the importer (on the test's key space and DATA_DIR unless given); answers its exit code and output. */
function runImport(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runImportIn({ prefix, dataDir }, ...args);
}

function runImportIn(
  where: { prefix: string; dataDir: string },
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    REDIS_URL: undefined,
    REDIS_CLUSTER_NODES: undefined,
    ...redisEnv(),
    KEY_PREFIX: where.prefix,
    DATA_DIR: where.dataDir,
  };
  const childEnv = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined));
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/import.ts', ...args], {
    cwd: root,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

let h: Harness;
beforeAll(async () => {
  writeCatalogue();
  h = await startHarness({ prefix, DATA_DIR: dataDir });
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

const catalogue = async () => {
  const all = await h.redis.hgetall(h.deps.keys.catalogueBooks());
  return Object.fromEntries(Object.entries(all).map(([id, json]) => [id, JSON.parse(json) as BookRecord]));
};

describe('npm run import', () => {
  it('imports every book with tags as arrays and pictures as blobs, announcing each', async () => {
    const run = await runImport(dbFile);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('read 4 books: 4 added, 0 already present');
    expect(run.stdout).toContain('pictures stored 3 (2 new files)');
    expect(run.stdout).toContain('search index: held by a running server');
    const stored = await catalogue();
    expect(Object.keys(stored).sort()).toEqual(['1000067', '2', '3', '4']);
    expect(stored['1000067']).toMatchObject({
      title: '美丽心灵',
      author: '[美] 西尔维娅·娜萨',
      pub_year: '2002-1',
      pages: 594,
      price: 3879,
      currency_unit: '元',
      tags: ['传记', '纳什', '数学'],
      book_intro: '这是一部关于数学家纳什的传记。',
      pictures: [sha256(jpeg)],
    });
    expect(stored['2']).toMatchObject({ title: 'Plain English', author: null, tags: [], pictures: [] });
    expect(stored['3']?.tags).toEqual(['科幻', '刘慈欣']);
    expect(stored['4']?.pictures).toEqual([sha256(jpeg)]);
    for (const [hash, bytes] of [
      [sha256(jpeg), jpeg],
      [sha256(png), png],
    ] as const) {
      expect(readFileSync(join(dataDir, 'blobs', hash.slice(0, 2), hash)).equals(bytes)).toBe(true);
    }
    const changes = await h.redis.xrange(h.deps.keys.catalogueChanges(), '-', '+');
    expect(changes.map(([, fields]) => fields)).toEqual(
      ['1000067', '2', '3', '4'].map((id) => ['store', '', 'book', id]),
    );
    const picture = await createApp(h.deps).request('/books/3/pictures/0');
    expect(picture.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await picture.arrayBuffer()).equals(png)).toBe(true);
  });

  it('adds nothing on a re-run', async () => {
    const before = await h.redis.hgetall(h.deps.keys.catalogueBooks());
    const run = await runImport(dbFile);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('read 4 books: 0 added, 4 already present');
    expect(run.stdout).toContain('(0 new files)');
    expect(await h.redis.hgetall(h.deps.keys.catalogueBooks())).toEqual(before);
    expect(await h.redis.xlen(h.deps.keys.catalogueChanges())).toBe(4);
  });

  it('lists every book in a store with --store/--seller/--stock, once', async () => {
    const seller = await newUser(h.client);
    const store_id = uid('store');
    const run = await runImport(dbFile, '--store', store_id, '--seller', seller.user_id, '--stock', '7');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`store ${store_id}: 4 listed with stock 7, 0 already listed`);
    for (const book of books) {
      const reply = await h.client.post('/seller/get_stock_level', { store_id, book_id: book.id });
      expect(reply.body).toMatchObject({ code: 200, stock_level: 7 });
    }
    const picture = await createApp(h.deps).request(`/stores/${store_id}/books/1000067/pictures/0`);
    expect(Buffer.from(await picture.arrayBuffer()).equals(jpeg)).toBe(true);

    const again = await runImport(dbFile, '--store', store_id, '--seller', seller.user_id, '--stock', '9');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`store ${store_id}: 0 listed with stock 9, 4 already listed`);
    const reply = await h.client.post('/seller/get_stock_level', { store_id, book_id: '2' });
    expect(reply.body.stock_level).toBe(7);
  });

  it('leaves a current search index for a server started after it', async () => {
    const fresh = { prefix: uniquePrefix(), dataDir: join(dir, 'fresh') };
    const run = await runImportIn(fresh, dbFile);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('search index: 4 listings, 4 indexed now');
    const server = await startHarness({ prefix: fresh.prefix, DATA_DIR: fresh.dataDir });
    try {
      expect(await server.deps.catalogue.whenBuilt(10_000)).toBe(true);
      expect(server.deps.catalogue.startStats).toMatchObject({ books: 4, indexed: 0 });
      const reply = await server.client.post('/search/search_books', {
        keyword: '心灵',
        search_scope: 'title',
        search_in_store: false,
        page: 1,
        page_size: 10,
      });
      expect(reply.body).toMatchObject({ total: 1, books: [{ id: '1000067' }] });
    } finally {
      await server.close();
    }
  });

  it('refuses an unknown seller, a store of another seller and bad arguments', async () => {
    const unknown = await runImport(
      dbFile,
      '--store',
      uid('store'),
      '--seller',
      uid('nobody'),
      '--stock',
      '1',
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('does not exist');
    const owner = await newUser(h.client);
    const other = await newUser(h.client);
    const store_id = uid('store');
    await h.client.post('/seller/create_store', { user_id: owner.user_id, store_id }, { token: owner.token });
    const foreign = await runImport(dbFile, '--store', store_id, '--seller', other.user_id, '--stock', '1');
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toContain(`belongs to ${owner.user_id}`);
    expect((await runImport(dbFile, '--store', store_id)).code).toBe(2);
    expect((await runImport()).code).toBe(2);
    expect((await runImport(join(dir, 'missing.db'))).code).toBe(1);
  });
});
