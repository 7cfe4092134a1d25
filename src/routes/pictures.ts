/**
 * Book pictures by URL (src/catalogue/book.ts pictureUrl): `GET /books/:id/pictures/:n` serves the
 * n-th picture (0-based) of the imported catalogue's book, or else of the book in a store that lists
 * it; `GET /stores/:store/books/:id/pictures/:n` that of the store's own listing. The bytes come from
 * the blob store with their content type; being addressed by content, they are cached for good.
 */
import { type Context, Hono } from 'hono';
import { contentType } from '../catalogue/blobs.ts';
import type { BookRecord } from '../catalogue/book.ts';
import type { Deps } from '../domain/deps.ts';
import { DomainError, Kind } from '../errors.ts';

const notFound = (message: string) => new DomainError(Kind.PICTURE_MISSING, { why: message });

/** The n-th picture hash of a stored book JSON, if it has one. */
function pictureOf(json: string | null, n: number): string | undefined {
  if (json === null) return undefined;
  const book = JSON.parse(json) as BookRecord;
  return book.pictures?.[n] ?? undefined;
}

export function pictureRoutes(d: Deps) {
  /** The picture index of the URL, or 404 naming the book when it is not one. */
  const indexOf = (c: Context, bookId: string) => {
    const n = c.req.param('n') ?? '';
    if (!/^\d{1,9}$/.test(n)) throw notFound(`book ${bookId} has no picture ${n}`);
    return Number(n);
  };

  /** Answers the blob, or 404 naming the book when it is gone from disk. */
  const serve = async (c: Context, hash: string, what: string) => {
    const bytes = await d.blobs.read(hash);
    if (!bytes) throw notFound(`${what}: picture file missing`);
    const etag = `"${hash}"`;
    const headers = {
      'Content-Type': contentType(bytes),
      'Cache-Control': 'public, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
      ETag: etag,
    };
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
    return c.body(new Uint8Array(bytes), 200, headers);
  };

  return new Hono()
    .get('/books/:id/pictures/:n', async (c) => {
      const bookId = c.req.param('id');
      const n = indexOf(c, bookId);
      const what = `book ${bookId} picture ${n}`;
      let hash = pictureOf(await d.redis.hget(d.keys.catalogueBooks(), bookId), n);
      if (!hash) {
        // Not in the imported catalogue: the first store (by id) whose listing has the picture.
        const stores = (await d.redis.smembers(d.keys.bookStores(bookId))).sort();
        for (const store of stores) {
          hash = pictureOf(await d.redis.hget(d.keys.books(store), bookId), n);
          if (hash) break;
        }
      }
      if (!hash) throw notFound(`${what} does not exist`);
      return serve(c, hash, what);
    })
    .get('/stores/:store/books/:id/pictures/:n', async (c) => {
      const store = c.req.param('store');
      const bookId = c.req.param('id');
      const n = indexOf(c, bookId);
      const what = `book ${bookId} picture ${n} in store ${store}`;
      const hash = pictureOf(await d.redis.hget(d.keys.books(store), bookId), n);
      if (!hash) throw notFound(`${what} does not exist`);
      return serve(c, hash, what);
    });
}
