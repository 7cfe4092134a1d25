/**
 * About the service itself: GET /metrics (Prometheus text), GET /openapi.json (the docs page is routes/docs.ts).
 */
import { Hono } from 'hono';
import type { createMetrics } from '../http/metrics.ts';
import { openApiDocument } from '../http/openapi.ts';

export function metaRoutes(metrics: ReturnType<typeof createMetrics>) {
  const document = openApiDocument();
  return new Hono()
    .get('/metrics', async (c) => {
      const { body, contentType } = await metrics.render();
      return c.body(body, 200, { 'content-type': contentType });
    })
    .get('/openapi.json', (c) => c.json(document));
}
