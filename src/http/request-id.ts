/**
 * Every request gets an id, echoed in its answer's `X-Request-Id` and carried (`reqId`) by every log
 * line written while serving it. A client's `X-Request-Id` is kept when well-formed (1 to 128
 * letters, digits, `_`, `-` or `=`: Hono's requestId check); anything else is replaced, never echoed.
 * A new id is this process's random prefix and a counter: no crypto call per request.
 *
 * `requestLog(c)` is the request's logger: a pino child bound to the id, made when a line is first
 * written (most requests write none). With `logRequests`, one access line per request: method, route
 * pattern, status, duration.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { type RequestIdVariables, requestId } from 'hono/request-id';
import { routePath } from 'hono/route';
import type { LogFields, Logger, LogLevel } from '../log.ts';

export const REQUEST_ID_HEADER = 'X-Request-Id';
export const MAX_REQUEST_ID_LENGTH = 128;

export type RequestLogEnv = { Variables: RequestIdVariables & { log: Logger } };

/** Ids `<12 random hex>-<counter in base 36>`, unique in this process and, by the prefix, across processes. */
export function requestIdGenerator(): () => string {
  const prefix = crypto.randomUUID().replaceAll('-', '').slice(0, 12);
  let count = 0;
  return () => `${prefix}-${(++count).toString(36)}`;
}

/** The request's logger: its child is made on the first line its level lets through. */
class RequestLogger implements Logger {
  #child: Logger | undefined;
  constructor(
    private readonly base: Logger,
    private readonly c: Context<RequestLogEnv>,
  ) {}

  private write(level: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields) {
    if (!this.base.isLevelEnabled(level)) return;
    this.#child ??= this.base.child({ reqId: this.c.get('requestId') });
    this.#child[level](message, fields);
  }
  debug(message: string, fields?: LogFields) {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: LogFields) {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: LogFields) {
    this.write('warn', message, fields);
  }
  error(message: string, fields?: LogFields) {
    this.write('error', message, fields);
  }
  child(bindings: LogFields): Logger {
    return this.base.child({ reqId: this.c.get('requestId'), ...bindings });
  }
  isLevelEnabled(level: LogLevel) {
    return this.base.isLevelEnabled(level);
  }
}

/** The logger of the request `c` (its lines carry the request id). */
export const requestLog = (c: Context): Logger => (c as unknown as Context<RequestLogEnv>).get('log');

/** A response made in full elsewhere (an Idempotency-Key replay), given the request's id. */
export function withRequestId(c: Context, response: Response): Response {
  response.headers.set(REQUEST_ID_HEADER, (c as unknown as Context<RequestLogEnv>).get('requestId'));
  return response;
}

/** The matched route pattern, or `unmatched` (a 404 or 405). */
const routeOf = (c: Context) => {
  const route = routePath(c, -1);
  return route === '/*' || route === '*' || route === '' ? 'unmatched' : route;
};

export interface RequestIdOptions {
  log: Logger;
  /** one access line per request (LOG_REQUESTS) */
  logRequests?: boolean;
}

export function requestIds({ log, logRequests = false }: RequestIdOptions): MiddlewareHandler<RequestLogEnv> {
  const assignId = requestId({
    headerName: REQUEST_ID_HEADER,
    limitLength: MAX_REQUEST_ID_LENGTH,
    generator: requestIdGenerator(),
  });
  if (!logRequests) {
    return async function identifyRequest(c, next) {
      c.set('log', new RequestLogger(log, c));
      return assignId(c, next);
    };
  }
  return async function identifyAndLogRequest(c, next) {
    const started = performance.now();
    c.set('log', new RequestLogger(log, c));
    await assignId(c, next);
    log.info('request', {
      reqId: c.get('requestId'),
      method: c.req.method,
      route: routeOf(c),
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 100) / 100,
    });
  };
}
