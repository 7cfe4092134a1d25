/**
 * Script result codes: every Lua script returns `{code, ...values}`, values naming the offending id
 * where one is known. The table of src/http/errors.ts maps each to the API's result code and message.
 */

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
  /** the user has as many live Idempotency-Keys as allowed: a new one is refused */
  IDEM_FULL: 25,
} as const;

export type ScriptCode = (typeof Code)[keyof typeof Code];
