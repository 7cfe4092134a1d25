/**
 * The request body limit, without building a full WHATWG Request on Node. Hono's own bodyLimit reads
 * `c.req.raw.body`, which makes @hono/node-server build the Request (headers, AbortSignal, stream)
 * for every request, GETs included. This one is mounted only on methods that carry a body (app.ts);
 * a body with a Content-Length is judged by it (Node's parser delivers exactly that many bytes), and
 * only a chunked body of unknown length goes through Hono's streaming count.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

export interface BodyLimitOptions {
  maxSize: number;
  onError: (c: Context) => Response | Promise<Response>;
}

export function limitBody(options: BodyLimitOptions): MiddlewareHandler {
  const streamed = bodyLimit(options);
  return async function limitBodySize(c, next) {
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number(length) > options.maxSize ? options.onError(c) : next();
    }
    return streamed(c, next);
  };
}
