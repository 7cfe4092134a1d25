/**
 * The one error type of the service. Domain, auth and actor code throw a DomainError carrying a
 * semantic code (a script code of lua/codes.ts, or one of the kinds below that no script returns)
 * and what the request was about; they never name an HTTP status. The table of src/http/errors.ts
 * is the only place that turns a code into the API's result code, status and message.
 */
import { Code, type ScriptCode } from './lua/codes.ts';
import { outageOf } from './redis/outage.ts';

/** Failures that do not come from a script. */
export const Kind = {
  /** an actor's mailbox is full: nothing was changed */
  BUSY: 'busy',
  /** the request's deadline passed while it waited in a mailbox: nothing was changed */
  QUEUE_TIMEOUT: 'queue-timeout',
  /** the request's deadline passed while its script ran: outcome unknown */
  RUN_TIMEOUT: 'run-timeout',
  /** the search index is still being built */
  INDEX_BUILDING: 'index-building',
  /** a search found no book */
  NO_MATCH: 'no-match',
  /** an in-store search found no book */
  NO_MATCH_IN_STORE: 'no-match-in-store',
  /** an in-store search names a store that does not exist */
  SEARCH_STORE_MISSING: 'search-store-missing',
  /** a picture URL that names no stored picture */
  PICTURE_MISSING: 'picture-missing',
  /** Redis could not be reached, so nothing was sent to it: nothing was changed */
  REDIS_UNREACHABLE: 'redis-unreachable',
  /** a command was sent to Redis and no answer came in time: outcome unknown */
  REDIS_NO_ANSWER: 'redis-no-answer',
  /** too many wrong passwords for the user from this client, or from this client: nothing was checked */
  TOO_MANY_GUESSES: 'too-many-guesses',
} as const;

export type ErrorCode =
  | Exclude<ScriptCode, typeof Code.OK | typeof Code.NOOP | typeof Code.IDEM_DONE>
  | (typeof Kind)[keyof typeof Kind];

/** What a request was about, to name the offending ids in messages. */
export interface About {
  user_id?: string;
  store_id?: string;
  book_id?: string;
  order_id?: string;
  keyword?: string;
  /** the field an INVALID code names, and why */
  field?: string;
  why?: string;
  /** the Idempotency-Key of an IDEM_* code */
  key?: string;
  /** seconds until a refused request may be sent again (TOO_MANY_GUESSES, IDEM_FULL) */
  retryAfter?: number;
  /** the limit a refusal is about (IDEM_FULL) */
  limit?: number;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly about: About = {},
  ) {
    super(`${code}: ${JSON.stringify(about)}`);
    this.name = 'DomainError';
  }
}

/** A failure of an unreachable Redis (redis/outage.ts) as its semantic error; undefined for any other. */
export function outageError(error: unknown): DomainError | undefined {
  const outage = outageOf(error);
  if (outage === undefined) return undefined;
  return new DomainError(outage === 'unreachable' ? Kind.REDIS_UNREACHABLE : Kind.REDIS_NO_ANSWER);
}

export const invalid = (field: string, why: string) => new DomainError(Code.INVALID, { field, why });

type Failed<R extends { code: number }> = Exclude<R, { code: typeof Code.OK }> & { code: ErrorCode };

const succeeded = <R extends { code: number }>(reply: R): reply is Extract<R, { code: typeof Code.OK }> =>
  reply.code === Code.OK;

/** The reply when its code is OK; otherwise a DomainError with its code, naming `about` and its details. */
export function expectOk<R extends { code: number }>(
  reply: R,
  about: About,
): Extract<R, { code: typeof Code.OK }> {
  if (succeeded(reply)) return reply;
  const { code, ...details } = reply as Failed<R>;
  throw new DomainError(code, { ...about, ...details });
}
