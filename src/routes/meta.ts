/**
 * About the service itself: GET /metrics (Prometheus text), GET /openapi.json, GET /docs.
 */
import { Hono } from 'hono';
import type { createMetrics } from '../http/metrics.ts';
import { docsPage, openApiDocument } from '../http/openapi.ts';

export function metaRoutes(metrics: ReturnType<typeof createMetrics>) {
  const document = openApiDocument();
  return new Hono()
    .get('/metrics', async (c) => {
      const { body, contentType } = await metrics.render();
      return c.body(body, 200, { 'content-type': contentType });
    })
    .get('/openapi.json', (c) => c.json(document))
    .get('/docs', (c) => c.html(docsPage));
}
