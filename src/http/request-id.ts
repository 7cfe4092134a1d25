/**
 * Every request gets an id, echoed in its answer's `X-Request-Id` and carried (`reqId`) by every log
 * line written while serving it. A client's `X-Request-Id` is kept when well-formed (1 to 128
 * letters, digits, `_`, `-` or `=`: Hono's requestId check); anything else is replaced, never echoed.
 * A new id is this process's random prefix and a counter: no crypto call per request.
 *
 * `requestLog(log, c)` is the request's logger: a pino child bound to the id, made when a line is
 * first written (most requests write none). With `logRequests`, one access line per request: method, route
 * pattern, status, duration.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { LogFields, Logger, LogLevel } from '../log.ts';

export const REQUEST_ID_HEADER = 'X-Request-Id';
export const MAX_REQUEST_ID_LENGTH = 128;
/** Hono's requestId middleware's check: letters, digits, `_`, `-`, `=`. */
const WELL_FORMED = /^[\w\-=]+$/;

export type RequestLogEnv = { Variables: { requestId: string } };

/** Ids `<12 random hex>-<counter in base 36>`, unique in this process and, by the prefix, across processes. */
export function requestIdGenerator(): () => string {
  const prefix = crypto.randomUUID().replaceAll('-', '').slice(0, 12);
  let count = 0;
  return () => `${prefix}-${(++count).toString(36)}`;
}

/** The id of the request `c` (undefined outside the middleware, e.g. a route app tested alone). */
export const requestIdOf = (c: Context): string | undefined =>
  (c as unknown as Context<RequestLogEnv>).get('requestId');

/**
 * Answers that carry the id already (made by http/respond.ts with plain headers: the fast path of
 * @hono/node-server, which touching `res.headers` would leave). Any other answer gets the header
 * after the handler.
 */
const carryingId = new WeakSet<Response>();

/** Marks an answer made with the request's id among its headers. */
export function carriesRequestId(response: Response): Response {
  carryingId.add(response);
  return response;
}

/** The request's logger: its child is made on the first line its level lets through. */
class RequestLogger implements Logger {
  #child: Logger | undefined;
  constructor(
    private readonly base: Logger,
    private readonly reqId: string | undefined,
  ) {}

  private write(level: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields) {
    if (!this.base.isLevelEnabled(level)) return;
    this.#child ??= this.base.child({ reqId: this.reqId });
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
    return this.base.child({ reqId: this.reqId, ...bindings });
  }
  isLevelEnabled(level: LogLevel) {
    return this.base.isLevelEnabled(level);
  }
}

/** The logger for lines about the request `c`: they carry its id. Made only when something logs. */
export const requestLog = (log: Logger, c: Context): Logger => new RequestLogger(log, requestIdOf(c));

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
  const generate = requestIdGenerator();
  const assign = (c: Context<RequestLogEnv>) => {
    const given = c.req.header(REQUEST_ID_HEADER);
    const id =
      given !== undefined && given.length <= MAX_REQUEST_ID_LENGTH && WELL_FORMED.test(given)
        ? given
        : generate();
    c.set('requestId', id);
    return id;
  };
  const echo = (c: Context, id: string) => {
    if (!carryingId.has(c.res)) c.res.headers.set(REQUEST_ID_HEADER, id);
  };
  if (!logRequests) {
    return async function identifyRequest(c, next) {
      const id = assign(c);
      await next();
      echo(c, id);
    };
  }
  return async function identifyAndLogRequest(c, next) {
    const started = performance.now();
    const id = assign(c);
    await next();
    echo(c, id);
    log.info('request', {
      reqId: id,
      method: c.req.method,
      route: routeOf(c),
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 100) / 100,
    });
  };
}
