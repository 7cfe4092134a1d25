/**
 * Prometheus metrics (`GET /metrics`): requests by route and status, their latency, live actors,
 * and the size of the search index. One registry per app, so several apps (tests) never collide; the
 * two per-request metrics are kept by request-stats.ts (prom-client's hot path cost too much).
 */
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { Gauge, Registry } from 'prom-client';
import type { Deps } from '../domain/deps.ts';
import { RequestStats } from './request-stats.ts';

export function createMetrics(d: Deps) {
  const registry = new Registry();
  const requests = new RequestStats();
  new Gauge({
    name: 'bookstore_actors_live',
    help: 'Live actors by kind',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      const live = d.actors.live();
      this.set({ kind: 'store' }, live.store);
      this.set({ kind: 'user' }, live.user);
    },
  });
  new Gauge({
    name: 'bookstore_search_index_books',
    help: 'Books in this process search index',
    registers: [registry],
    collect() {
      this.set(d.catalogue.index.size);
    },
  });

  const measure: MiddlewareHandler = async function measureRequest(c, next) {
    const started = performance.now();
    await next();
    const route = routePath(c, -1) || 'unmatched';
    const seconds = (performance.now() - started) / 1000;
    requests.record(c.req.method, route === '/*' ? 'unmatched' : route, c.res.status, seconds);
  };

  return {
    measure,
    async render(): Promise<{ body: string; contentType: string }> {
      const body = `${await registry.metrics()}${requests.render()}`;
      return { body, contentType: registry.contentType };
    },
  };
}
