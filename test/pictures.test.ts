/**
 * Book pictures: add_book stores its base64 pictures as blobs and keeps their hashes in the book;
 * `GET /books/:id/pictures/:n` and the per-store URL serve them byte-exact with their content type;
 * an empty picture is refused with 530, an unknown book or picture answers 404. Plus the blob store.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { BlobStore, contentType } from '../src/catalogue/blobs.ts';
import type { BookRecord } from '../src/catalogue/book.ts';
import { type Client, newStore, newUser, uid } from './support/client.ts';
import { type Harness, startHarness } from './support/harness.ts';

let h: Harness;
let c: Client;
let app: ReturnType<typeof createApp>;
beforeAll(async () => {
  h = await startHarness();
  c = h.client;
  app = createApp(h.deps);
});
afterAll(() => h.close());

/** A 1×1 PNG. */
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
/** A JPEG header (SOI, APP0 JFIF) followed by arbitrary bytes, every byte value included. */
const jpeg = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]),
  Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
  randomBytes(64),
  Buffer.from([0xff, 0xd9]),
]);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const get = async (path: string, headers: Record<string, string> = {}) => {
  const response = await app.request(path, { headers });
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
};

async function listBook(pictures: string[] | null, bookId = uid('book')) {
  const seller = await newUser(c);
  const store_id = await newStore(c, seller, []);
  const book_info = { id: bookId, title: 'Pictured', price: 100, pictures };
  const reply = await c.post(
    '/seller/add_book',
    { user_id: seller.user_id, store_id, book_info, stock_level: 1 },
    { token: seller.token },
  );
  return { seller, store_id, bookId, reply };
}

describe('add_book pictures', () => {
  it('stores the pictures as blobs and serves them byte-exact with their content types', async () => {
    const { store_id, bookId, reply } = await listBook([png.toString('base64'), jpeg.toString('base64')]);
    expect(reply.status).toBe(200);
    const stored = JSON.parse(
      (await h.redis.hget(h.deps.keys.books(store_id), bookId)) ?? '{}',
    ) as BookRecord;
    expect(stored.pictures).toEqual([sha256(png), sha256(jpeg)]);
    expect(readFileSync(h.deps.blobs.path(sha256(jpeg)))).toEqual(jpeg);

    for (const [n, bytes, type] of [
      [0, png, 'image/png'],
      [1, jpeg, 'image/jpeg'],
    ] as const) {
      for (const path of [
        `/books/${bookId}/pictures/${n}`,
        `/stores/${store_id}/books/${bookId}/pictures/${n}`,
      ]) {
        const { response, bytes: body } = await get(path);
        expect(response.status, path).toBe(200);
        expect(response.headers.get('content-type')).toBe(type);
        expect(response.headers.get('etag'), path).toBe(`"${sha256(body)}"`);
        expect(body.equals(bytes)).toBe(true);
      }
    }
  });

  it('answers 304 to a request that already has the picture (ETag is the content hash)', async () => {
    const { bookId } = await listBook([png.toString('base64')]);
    const { response } = await get(`/books/${bookId}/pictures/0`, { 'if-none-match': `"${sha256(png)}"` });
    expect(response.status).toBe(304);
  });

  it('finds a book id with URL-special and Chinese characters', async () => {
    const bookId = uid('书 /?#%');
    const { store_id, reply } = await listBook([jpeg.toString('base64')], bookId);
    expect(reply.status).toBe(200);
    const id = encodeURIComponent(bookId);
    const { response, bytes } = await get(`/stores/${encodeURIComponent(store_id)}/books/${id}/pictures/0`);
    expect(response.status).toBe(200);
    expect(bytes.equals(jpeg)).toBe(true);
    expect((await get(`/books/${id}/pictures/0`)).bytes.equals(jpeg)).toBe(true);
  });

  it('keeps a book without pictures with an empty list', async () => {
    const { store_id, bookId, reply } = await listBook(null);
    expect(reply.status).toBe(200);
    const stored = JSON.parse(
      (await h.redis.hget(h.deps.keys.books(store_id), bookId)) ?? '{}',
    ) as BookRecord;
    expect(stored.pictures).toEqual([]);
    expect((await get(`/books/${bookId}/pictures/0`)).response.status).toBe(404);
  });

  it('refuses a picture that decodes to no bytes with 530 naming it, and lists nothing', async () => {
    const { store_id, bookId, reply } = await listBook([png.toString('base64'), '']);
    expect(reply.status).toBe(530);
    expect(reply.body.message).toContain('book_info.pictures.1');
    const level = await c.post('/seller/get_stock_level', { store_id, book_id: bookId });
    expect(level.status).toBe(515);
  });

  it('refuses a picture that is not base64 with 530', async () => {
    const { reply } = await listBook(['not base64!']);
    expect(reply.status).toBe(530);
    expect(reply.body.message).toContain('book_info.pictures.0');
  });
});

describe('picture URLs', () => {
  it('answers 404 JSON naming the id for an unknown book, store, picture or index', async () => {
    const { store_id, bookId } = await listBook([png.toString('base64')]);
    const unknown = uid('nobook');
    const cases: [string, string][] = [
      [`/books/${unknown}/pictures/0`, unknown],
      [`/stores/${store_id}/books/${unknown}/pictures/0`, unknown],
      [`/stores/${uid('nostore')}/books/${bookId}/pictures/0`, bookId],
      [`/books/${bookId}/pictures/1`, bookId],
      [`/stores/${store_id}/books/${bookId}/pictures/1`, bookId],
      [`/books/${bookId}/pictures/x`, bookId],
      [`/books/${bookId}/pictures/-1`, bookId],
    ];
    for (const [path, id] of cases) {
      const { response, bytes } = await get(path);
      expect(response.status, path).toBe(404);
      const body = JSON.parse(bytes.toString()) as { code: number; message: string };
      expect(body.code).toBe(404);
      expect(body.message).toContain(id);
    }
  });

  it('serves the imported catalogue book first, and a store listing of the same id otherwise', async () => {
    const bookId = uid('book');
    expect((await listBook([jpeg.toString('base64')], bookId)).reply.status).toBe(200);
    expect((await get(`/books/${bookId}/pictures/0`)).bytes.equals(jpeg)).toBe(true);
    const hash = await h.deps.blobs.put(png);
    const record: BookRecord = { id: bookId, title: 'Catalogue', price: 1, pictures: [hash] };
    await h.redis.hset(h.deps.keys.catalogueBooks(), bookId, JSON.stringify(record));
    const { response, bytes } = await get(`/books/${bookId}/pictures/0`);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(bytes.equals(png)).toBe(true);
  });
});

describe('blob store', () => {
  it('stores content once under its hash and reads it back', async () => {
    const blobs = h.deps.blobs;
    const bytes = randomBytes(1000);
    const first = await blobs.store(bytes);
    const second = await blobs.store(bytes);
    expect(first).toEqual({ hash: sha256(bytes), written: true });
    expect(second).toEqual({ hash: sha256(bytes), written: false });
    expect(readFileSync(blobs.path(first.hash)).equals(bytes)).toBe(true);
    expect((await blobs.read(first.hash))?.equals(bytes)).toBe(true);
    expect(await blobs.read(sha256(randomBytes(8)))).toBeUndefined();
    expect(await blobs.read('../../etc/passwd')).toBeUndefined();
    expect(() => new BlobStore('/tmp').path('..')).toThrow();
  });

  it('tells the content type by magic bytes', () => {
    expect(contentType(png)).toBe('image/png');
    expect(contentType(jpeg)).toBe('image/jpeg');
    expect(contentType(Buffer.from('GIF89a\x01\x00', 'latin1'))).toBe('image/gif');
    expect(contentType(Buffer.from('GIF87a', 'latin1'))).toBe('image/gif');
    expect(contentType(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe('image/webp');
    expect(contentType(Buffer.from('RIFF\x10\x00\x00\x00WAVE', 'latin1'))).toBe('application/octet-stream');
    expect(contentType(Buffer.from([0xff, 0xd8]))).toBe('application/octet-stream');
    expect(contentType(new Uint8Array())).toBe('application/octet-stream');
  });
});
