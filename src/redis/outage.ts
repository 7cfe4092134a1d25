/**
 * Tells the failures of an unreachable Redis from the others, so the HTTP edge answers them with 503
 * and Retry-After instead of a logged 500. Two kinds, because a client must know whether to worry:
 * `unreachable`: the command was never run (never sent, or refused by Redis before it ran), so the
 * request had no effect; `no-answer`: the command was sent and no answer came (timed out, or the
 * connection dropped), so it may still have run: a retry with the same Idempotency-Key settles it.
 */

export type Outage = 'unreachable' | 'no-answer';

/** How redis/stall-guard.ts's refusals begin. */
export const STALLED = 'Redis has not answered';

/**
 * Never sent: refused while Redis is stalled (stall-guard.ts), or by ioredis while disconnected (the
 * shared client keeps no offline queue).
 */
const NOT_SENT = [
  STALLED,
  "Stream isn't writeable",
  "Cluster isn't ready",
  'Reached the max retries per request limit',
];

/** Replies of a Redis that refuses to run anything yet (loading its AOF, stuck script, failover). */
const REFUSED = /^(LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN) /;

/** Sent, then no answer: ioredis's commandTimeout, or the connection closed while it ran. */
const NO_ANSWER = ['Command timed out', 'connection to Redis lost', 'Connection is closed'];

export function outageOf(error: unknown): Outage | undefined {
  if (!(error instanceof Error)) return undefined;
  const { message } = error;
  if (NOT_SENT.some((start) => message.startsWith(start)) || REFUSED.test(message)) return 'unreachable';
  if (NO_ANSWER.some((start) => message.startsWith(start))) return 'no-answer';
  return undefined;
}
