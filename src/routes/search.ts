/**
 * Search: /search/search_books and its aliases /buyer/search and /seller/search.
 */
import { Hono } from 'hono';
import type { Deps } from '../domain/deps.ts';
import { DomainError, Kind } from '../errors.ts';
import { parseBody } from '../http/body.ts';
import { okSpliced } from '../http/respond.ts';
import { schemas } from '../http/schemas.ts';
import { searchBooks } from '../search/search.ts';

/**
 * How long a search waits for the index's start-up check (a full build when its file is new) before
 * answering 503.
 */
const INDEX_WAIT_MS = 10_000;

export function searchRoutes(d: Deps) {
  const app = new Hono();
  for (const path of ['/search/search_books', '/buyer/search', '/seller/search']) {
    app.post(path, async (c) => {
      const b = await parseBody(c, schemas.searchBooks);
      if (!(await d.catalogue.whenBuilt(INDEX_WAIT_MS))) {
        throw new DomainError(Kind.INDEX_BUILDING);
      }
      const { books, fields } = await searchBooks(d.catalogue.index, d.redis, d.keys, b);
      return okSpliced(c, fields, { books });
    });
  }
  return app;
}
