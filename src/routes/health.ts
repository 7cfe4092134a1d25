/**
 * Health: /healthz (process up), /readyz (Redis reachable).
 */
import { Hono } from 'hono';
import type { Deps } from '../domain/deps.ts';
import { fail, ok } from '../http/respond.ts';

export function healthRoutes(d: Deps) {
  return new Hono()
    .get('/healthz', (c) => ok(c))
    .get('/readyz', async (c) => {
      try {
        await d.redis.ping();
        return ok(c, { search_index: d.catalogue.built ? 'ready' : 'building' });
      } catch {
        return fail(c, 503, 'Redis unreachable');
      }
    });
}
