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
import { type Check, describeRoute, operation } from '../http/openapi.ts';

const notFound = (message: string) => new DomainError(Kind.PICTURE_MISSING, { why: message });

const pathParameter = (name: string, description: string, pattern?: string) => ({
  name,
  in: 'path' as const,
  required: true,
  description,
  schema: { type: 'string' as const, ...(pattern && { pattern }) },
});
const picture = {
  tags: ['pictures'] as ['pictures'],
  content: {
    'image/*': { schema: { type: 'string' as const, format: 'binary' } },
  },
  codes: [
    [404, 'no such book or picture, or its file is missing'],
    [304, 'not modified: `If-None-Match` is its ETag'],
    [200, 'the picture, with its content type; cached for good (addressed by content)'],
  ] satisfies Check[],
  anyTime: [[503, 'Redis unreachable or not answering in time']] satisfies Check[],
};
const parameters = [
  pathParameter('id', 'book id'),
  pathParameter('n', 'the picture index, from 0', '^[0-9]{1,9}$'),
  { name: 'If-None-Match', in: 'header' as const, required: false, schema: { type: 'string' as const } },
];

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
    .get(
      '/books/:id/pictures/:n',
      describeRoute(
        operation({
          ...picture,
          summary: "A picture of a book: the imported catalogue's, else a store's listing's",
          parameters,
        }),
      ),
      async (c) => {
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
      },
    )
    .get(
      '/stores/:store/books/:id/pictures/:n',
      describeRoute(
        operation({
          ...picture,
          summary: "A picture of a store's listing of a book",
          parameters: [pathParameter('store', 'store id'), ...parameters],
        }),
      ),
      async (c) => {
        const store = c.req.param('store');
        const bookId = c.req.param('id');
        const n = indexOf(c, bookId);
        const what = `book ${bookId} picture ${n} in store ${store}`;
        const hash = pictureOf(await d.redis.hget(d.keys.books(store), bookId), n);
        if (!hash) throw notFound(`${what} does not exist`);
        return serve(c, hash, what);
      },
    );
}
