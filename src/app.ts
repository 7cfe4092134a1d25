/**
 * Builds the Hono app from its dependencies. It never listens: tests call `app.request()`, Node serves
 * it through @hono/node-server and Deno through `Deno.serve(app.fetch)`.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Deps } from './domain/deps.ts';
import { DomainError, outageError } from './errors.ts';
import { limitBody } from './http/body-limit.ts';
import { answerFor } from './http/errors.ts';
import { createMetrics } from './http/metrics.ts';
import { requestIds, requestLog } from './http/request-id.ts';
import { fail } from './http/respond.ts';
import { adminQueueRoutes } from './routes/admin-queues.ts';
import { authRoutes } from './routes/auth.ts';
import { buyerRoutes } from './routes/buyer.ts';
import { docsRoutes } from './routes/docs.ts';
import { healthRoutes } from './routes/health.ts';
import { metaRoutes } from './routes/meta.ts';
import { pictureRoutes } from './routes/pictures.ts';
import { searchRoutes } from './routes/search.ts';
import { sellerRoutes } from './routes/seller.ts';

export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface AppOptions {
  /** one access log line per request (LOG_REQUESTS) */
  logRequests?: boolean;
}

export function createApp(d: Deps, options: AppOptions = {}) {
  const app = new Hono();
  const metrics = createMetrics(d);
  app.use('*', requestIds({ log: d.log, logRequests: options.logRequests }));
  app.use('*', metrics.measure);
  // Only requests that may carry a body pass the limit: a GET or HEAD keeps Hono's shorter path.
  app.on(
    ['POST', 'PUT', 'PATCH', 'DELETE'],
    '*',
    limitBody({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => fail(c, 413, `request body larger than ${MAX_BODY_BYTES} bytes`),
    }),
  );
  app.route('/', healthRoutes(d));
  app.route('/', metaRoutes(metrics, app));
  app.route('/docs', docsRoutes());
  app.route('/auth', authRoutes(d));
  app.route('/seller', sellerRoutes(d));
  app.route('/buyer', buyerRoutes(d));
  app.route('/', searchRoutes(d));
  app.route('/', pictureRoutes(d));
  app.route('/', adminQueueRoutes(d));

  const knownPaths = new Set(app.routes.map((r) => r.path));
  app.notFound((c) =>
    knownPaths.has(c.req.path)
      ? fail(c, 405, `method ${c.req.method} not allowed on ${c.req.path}`)
      : fail(c, 404, `no such path: ${c.req.path}`),
  );
  app.onError((thrown, c) => {
    // An answer made in full where it was decided (an Idempotency-Key replay).
    if (thrown instanceof HTTPException && thrown.res) return thrown.getResponse();
    // Redis away: 503 with Retry-After, and no stack logged per request (the client logs the outage).
    const error = outageError(thrown) ?? thrown;
    if (error instanceof DomainError) {
      const answer = answerFor(error.code, error.about);
      // The code and the field's name only: a message may quote the value the client sent.
      requestLog(d.log, c).debug('request refused', {
        status: answer.status,
        code: error.code,
        field: error.about.field,
      });
      return fail(c, answer.status, answer.message, answer.headers);
    }
    requestLog(d.log, c).error('unhandled error', {
      path: c.req.path,
      err: error instanceof Error ? error : String(error),
    });
    return fail(c, 500, 'internal error');
  });
  return app;
}
