/**
 * Script result codes and the one table that maps them to API result codes (API.md) and messages.
 * Every Lua script returns `{code, ...values}`; values name the offending id where one is known.
 */
import { ApiError } from '../errors.ts';

export const Code = {
  OK: 0,
  USER_MISSING: 1,
  AUTH_FAILED: 2,
  USER_EXISTS: 3,
  STORE_MISSING: 4,
  STORE_EXISTS: 5,
  NOT_OWNER: 6,
  BOOK_MISSING: 7,
  BOOK_EXISTS: 8,
  STOCK_LOW: 9,
  ORDER_MISSING: 10,
  BALANCE_LOW: 11,
  NOT_PAID: 12,
  NOT_CANCELLABLE: 13,
  NO_STORE: 14,
  CANCELLED: 15,
  ALREADY_PAID: 16,
  RECEIVED: 17,
  SHIPPED: 18,
  INVALID: 19,
  ABORTED: 20,
  NOOP: 21,
  IDEM_CONFLICT: 22,
  IDEM_RUNNING: 23,
  IDEM_DONE: 24,
} as const;

export type ScriptCode = (typeof Code)[keyof typeof Code];

/** What a request was about, to name the offending id in messages. */
export interface Subject {
  user_id?: string;
  store_id?: string;
  book_id?: string;
  order_id?: string;
}

const table: Record<number, { status: number; message: (s: Subject, value?: string) => string }> = {
  [Code.USER_MISSING]: { status: 511, message: (s) => `user id ${s.user_id} does not exist` },
  [Code.AUTH_FAILED]: { status: 401, message: (s) => `authorization failed for user ${s.user_id}` },
  [Code.USER_EXISTS]: { status: 512, message: (s) => `user id ${s.user_id} already exists` },
  [Code.STORE_MISSING]: { status: 513, message: (s) => `store id ${s.store_id} does not exist` },
  [Code.STORE_EXISTS]: { status: 514, message: (s) => `store id ${s.store_id} already exists` },
  [Code.NOT_OWNER]: {
    status: 401,
    message: (s) => `authorization failed: store ${s.store_id} is not owned by user ${s.user_id}`,
  },
  [Code.BOOK_MISSING]: {
    status: 515,
    message: (s, id) => `book id ${id ?? s.book_id} does not exist in store ${s.store_id}`,
  },
  [Code.BOOK_EXISTS]: {
    status: 516,
    message: (s) => `book id ${s.book_id} already exists in store ${s.store_id}`,
  },
  [Code.STOCK_LOW]: {
    status: 517,
    message: (s, id) => `stock level of book ${id ?? s.book_id} in store ${s.store_id} too low`,
  },
  [Code.ORDER_MISSING]: { status: 518, message: (s) => `order id ${s.order_id} does not exist` },
  [Code.BALANCE_LOW]: { status: 519, message: (s) => `insufficient balance for user ${s.user_id}` },
  [Code.NOT_PAID]: { status: 520, message: (s) => `order ${s.order_id} is not paid` },
  [Code.NOT_CANCELLABLE]: {
    status: 521,
    message: (s) => `order ${s.order_id} is paid and can no longer be cancelled`,
  },
  [Code.NO_STORE]: { status: 522, message: (s) => `store not owned by user ${s.user_id}` },
  [Code.CANCELLED]: { status: 526, message: (s) => `order ${s.order_id} is cancelled` },
  [Code.ALREADY_PAID]: { status: 527, message: (s) => `order ${s.order_id} is already paid` },
  [Code.RECEIVED]: { status: 528, message: (s) => `order ${s.order_id} is already received` },
  [Code.SHIPPED]: { status: 529, message: (s) => `order ${s.order_id} is already shipped` },
  [Code.INVALID]: { status: 530, message: (_s, field) => `invalid parameter ${field ?? ''}`.trim() },
  [Code.ABORTED]: {
    status: 503,
    message: (s) => `order ${s.order_id} could not be completed in time; nothing was charged, retry`,
  },
  [Code.IDEM_CONFLICT]: {
    status: 422,
    message: (_s, key) => `Idempotency-Key ${key} was used with another request`,
  },
  [Code.IDEM_RUNNING]: {
    status: 409,
    message: (_s, key) => `the request with Idempotency-Key ${key} is still running; retry shortly`,
  },
};

/** The ApiError for a script code (anything but OK / NOOP). */
export function scriptError(code: number, subject: Subject, value?: string): ApiError {
  const entry = table[code];
  if (!entry) return new ApiError(500, `internal error (script code ${code})`);
  return new ApiError(entry.status, entry.message(subject, value));
}

/** The reply itself when it is OK (or a no-op); otherwise the mapped ApiError is thrown. */
export function expectOk<R extends { code: number; values: string[] }>(reply: R, subject: Subject): R {
  if (reply.code === Code.OK || reply.code === Code.NOOP) return reply;
  throw scriptError(reply.code, subject, reply.values[0]);
}
