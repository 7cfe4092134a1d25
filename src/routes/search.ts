/**
 * Search: /search/search_books and its aliases /buyer/search and /seller/search.
 */
import { Hono } from 'hono';
import type { Deps } from '../domain/deps.ts';
import { DomainError, Kind } from '../errors.ts';
import { jsonBody } from '../http/body.ts';
import type { AppEnv } from '../http/idempotency.ts';
import { describeRoute, operation } from '../http/openapi.ts';
import { okSpliced } from '../http/respond.ts';
import { answers, schemas } from '../http/schemas.ts';
import { searchBooks } from '../search/search.ts';

/**
 * How long a search waits for the index's start-up check (a full build when its file is new) before
 * answering 503.
 */
const INDEX_WAIT_MS = 10_000;

const searching = {
  tags: ['search'] as ['search'],
  description:
    "`search_scope`: `all` or space-separated fields of `title original_title author translator publisher tags book_intro author_intro content isbn` (`tag` for `tags`); another word answers 530. `search_in_store` true with `store_id`: only that store's books; otherwise every book listed by any store and the imported catalogue. Full-text, ranked by relevance.",
  answer: answers.search,
  codes: [
    [
      530,
      'invalid parameter, named in the message: malformed JSON, a field missing, of the wrong type or out of range, an unknown word in `search_scope`, or `search_in_store` true without `store_id`',
    ],
    [524, 'in-store search: no such store'],
    [523, 'whole-site search: nothing found'],
    [525, 'in-store search: nothing found'],
    200,
  ],
} as const;

export function searchRoutes(d: Deps) {
  const app = new Hono<AppEnv>();
  const paths = {
    '/search/search_books': 'Search books',
    '/buyer/search': 'Search books (alias of /search/search_books)',
    '/seller/search': 'Search books (alias of /search/search_books)',
  };
  for (const [path, summary] of Object.entries(paths)) {
    app.post(
      path,
      describeRoute(operation({ ...searching, summary })),
      jsonBody(schemas.searchBooks),
      async (c) => {
        const b = c.req.valid('json');
        if (!(await d.catalogue.whenBuilt(INDEX_WAIT_MS))) {
          throw new DomainError(Kind.INDEX_BUILDING);
        }
        const { books, fields } = await searchBooks(d.catalogue.index, d.redis, d.keys, b);
        return okSpliced(c, fields, { books });
      },
    );
  }
  return app;
}
