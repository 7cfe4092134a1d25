/**
 * About the service itself: GET /metrics (Prometheus text), GET /openapi.json (generated from the
 * routes of `app`, once, at its first request). The docs page is routes/docs.ts.
 */
import { Hono } from 'hono';
import { openAPIRouteHandler } from 'hono-openapi';
import type { createMetrics } from '../http/metrics.ts';
import { describeRoute, openApiOptions, operation } from '../http/openapi.ts';

const tags: ['service'] = ['service'];

export function metaRoutes(metrics: ReturnType<typeof createMetrics>, app: Hono) {
  return new Hono()
    .get(
      '/metrics',
      describeRoute(
        operation({
          tags,
          summary: 'Prometheus metrics: requests by route and status, latency, live actors, index size',
          content: { 'text/plain': { schema: { type: 'string' } } },
          codes: [200],
        }),
      ),
      async (c) => {
        const { body, contentType } = await metrics.render();
        return c.body(body, 200, { 'content-type': contentType });
      },
    )
    .get(
      '/openapi.json',
      describeRoute(
        operation({
          tags,
          summary: 'This document: OpenAPI 3.1, generated from the route declarations',
          content: { 'application/json': { schema: { type: 'object' } } },
          codes: [200],
        }),
      ),
      openAPIRouteHandler(app, openApiOptions),
    );
}
