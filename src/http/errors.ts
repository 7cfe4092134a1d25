/**
 * The HTTP edge of errors: the one table that maps each semantic error code (a script code or an
 * error kind, src/errors.ts) to the API's result code (API.md: also the HTTP status), its message
 * naming the ids the request was about, and the headers it carries.
 */
import { type About, type ErrorCode, Kind } from '../errors.ts';
import { Code } from '../lua/codes.ts';

export interface Answer {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

type Headers = Record<string, string>;
type Entry = { status: number; message: (a: About) => string; headers?: Headers | ((a: About) => Headers) };

const retry = (seconds: number) => ({ 'Retry-After': String(seconds) });

const table: Record<ErrorCode, Entry> = {
  [Code.USER_MISSING]: { status: 511, message: (a) => `user id ${a.user_id} does not exist` },
  [Code.AUTH_FAILED]: { status: 401, message: (a) => `authorization failed for user ${a.user_id}` },
  [Code.USER_EXISTS]: { status: 512, message: (a) => `user id ${a.user_id} already exists` },
  [Code.STORE_MISSING]: { status: 513, message: (a) => `store id ${a.store_id} does not exist` },
  [Code.STORE_EXISTS]: { status: 514, message: (a) => `store id ${a.store_id} already exists` },
  [Code.NOT_OWNER]: {
    status: 401,
    message: (a) => `authorization failed: store ${a.store_id} is not owned by user ${a.user_id}`,
  },
  [Code.BOOK_MISSING]: {
    status: 515,
    message: (a) => `book id ${a.book_id} does not exist in store ${a.store_id}`,
  },
  [Code.BOOK_EXISTS]: {
    status: 516,
    message: (a) => `book id ${a.book_id} already exists in store ${a.store_id}`,
  },
  [Code.STOCK_LOW]: {
    status: 517,
    message: (a) => `stock level of book ${a.book_id} in store ${a.store_id} too low`,
  },
  [Code.ORDER_MISSING]: { status: 518, message: (a) => `order id ${a.order_id} does not exist` },
  [Code.BALANCE_LOW]: { status: 519, message: (a) => `insufficient balance for user ${a.user_id}` },
  [Code.NOT_PAID]: { status: 520, message: (a) => `order ${a.order_id} is not paid` },
  [Code.NOT_CANCELLABLE]: {
    status: 521,
    message: (a) => `order ${a.order_id} is paid and can no longer be cancelled`,
  },
  [Code.NO_STORE]: {
    status: 522,
    message: (a) =>
      a.store_id === undefined
        ? `store not owned by user ${a.user_id}`
        : `store ${a.store_id} is not owned by user ${a.user_id}`,
  },
  [Code.CANCELLED]: { status: 526, message: (a) => `order ${a.order_id} is cancelled` },
  [Code.ALREADY_PAID]: { status: 527, message: (a) => `order ${a.order_id} is already paid` },
  [Code.RECEIVED]: { status: 528, message: (a) => `order ${a.order_id} is already received` },
  [Code.SHIPPED]: { status: 529, message: (a) => `order ${a.order_id} is already shipped` },
  [Code.INVALID]: {
    status: 530,
    message: (a) =>
      a.why ? `invalid parameter ${a.field}: ${a.why}` : `invalid parameter ${a.field ?? ''}`.trim(),
  },
  [Code.ABORTED]: {
    status: 503,
    message: (a) => `order ${a.order_id} could not be completed in time; nothing was charged, retry`,
  },
  [Code.IDEM_CONFLICT]: {
    status: 422,
    message: (a) => `Idempotency-Key ${a.key} was used with another request`,
  },
  [Code.IDEM_RUNNING]: {
    status: 409,
    message: (a) => `the request with Idempotency-Key ${a.key} is still running; retry shortly`,
  },
  [Kind.BUSY]: {
    status: 503,
    message: () => 'server busy: too many requests for this entity; nothing was changed',
    headers: retry(1),
  },
  [Kind.QUEUE_TIMEOUT]: {
    status: 503,
    message: () => 'request timed out in the queue; nothing was changed',
    headers: retry(1),
  },
  [Kind.RUN_TIMEOUT]: {
    status: 503,
    message: () =>
      'request timed out while running; its outcome is unknown (retry with the same Idempotency-Key)',
    headers: retry(1),
  },
  [Kind.INDEX_BUILDING]: {
    status: 503,
    message: () => 'the search index is still being built; retry shortly',
    headers: retry(5),
  },
  [Kind.NO_MATCH]: { status: 523, message: (a) => `search: no book found for "${a.keyword}"` },
  [Kind.NO_MATCH_IN_STORE]: {
    status: 525,
    message: (a) => `search: no book found in store ${a.store_id} for "${a.keyword}"`,
  },
  [Kind.SEARCH_STORE_MISSING]: {
    status: 524,
    message: (a) => `search: store id ${a.store_id} does not exist`,
  },
  [Kind.PICTURE_MISSING]: { status: 404, message: (a) => a.why ?? `book ${a.book_id} has no such picture` },
  [Kind.REDIS_UNREACHABLE]: {
    status: 503,
    message: () => 'the store of record (Redis) is unreachable; nothing was changed, retry shortly',
    headers: retry(1),
  },
  [Kind.REDIS_NO_ANSWER]: {
    status: 503,
    message: () =>
      'the store of record (Redis) did not answer in time; the outcome is unknown (retry with the same Idempotency-Key)',
    headers: retry(1),
  },
  [Code.IDEM_FULL]: {
    status: 429,
    message: (a) =>
      `user ${a.user_id} has ${a.limit} Idempotency-Keys of the last 24 h already: Idempotency-Key ${a.key} refused, nothing was changed; retry after ${a.retryAfter} s or without a key`,
    headers: (a) => retry(a.retryAfter ?? 1),
  },
  [Kind.TOO_MANY_GUESSES]: {
    status: 429,
    message: (a) =>
      `too many wrong passwords for user ${a.user_id} or from this client: nothing was checked; retry after ${a.retryAfter} s`,
    headers: (a) => retry(a.retryAfter ?? 1),
  },
};

/** The API's answer to a semantic error. */
export function answerFor(code: ErrorCode, about: About): Answer {
  const entry = table[code];
  const headers = typeof entry.headers === 'function' ? entry.headers(about) : entry.headers;
  return { status: entry.status, message: entry.message(about), headers };
}
