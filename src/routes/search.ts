/**
 * Search: /search/search_books and its aliases /buyer/search and /seller/search.
 */
import { Hono } from 'hono';
import type { Deps } from '../domain/deps.ts';
import { parseBody } from '../http/body.ts';
import { ok } from '../http/respond.ts';
import { schemas } from '../http/schemas.ts';
import { searchBooks } from '../search/search.ts';

export function searchRoutes(d: Deps) {
  const app = new Hono();
  for (const path of ['/search/search_books', '/buyer/search', '/seller/search']) {
    app.post(path, async (c) => {
      const b = await parseBody(c, schemas.search);
      return ok(c, await searchBooks(d.catalogue.index, d.redis, d.keys, b));
    });
  }
  return app;
}
