/**
 * Prometheus metrics (`GET /metrics`): requests by route and status, their latency, live actors,
 * and the size of the search index. One registry per app, so several apps (tests) never collide.
 */
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Deps } from '../domain/deps.ts';

export function createMetrics(d: Deps) {
  const registry = new Registry();
  const requests = new Counter({
    name: 'bookstore_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'bookstore_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
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
    const labels = { method: c.req.method, route: route === '/*' ? 'unmatched' : route };
    requests.inc({ ...labels, status: String(c.res.status) });
    duration.observe(labels, (performance.now() - started) / 1000);
  };

  return {
    measure,
    async render(): Promise<{ body: string; contentType: string }> {
      return { body: await registry.metrics(), contentType: registry.contentType };
    },
  };
}
