/**
 * The environment, parsed once at boot with a schema. A bad value stops the process with a message
 * naming the variable; everything else reads the typed `Config`.
 */
import * as v from 'valibot';

/** An integer environment variable: `fallback` when unset, at least `min`. Shared by scripts' own settings. */
export const int = (fallback: number, min = 0) =>
  v.pipe(
    v.optional(v.string(), String(fallback)),
    v.transform(Number),
    v.number(),
    v.integer(),
    v.minValue(min),
  );

const EnvSchema = v.object({
  PORT: int(5000, 0),
  HOST: v.optional(v.string(), '0.0.0.0'),
  REDIS_URL: v.optional(v.pipe(v.string(), v.url())),
  REDIS_CLUSTER_NODES: v.optional(v.pipe(v.string(), v.regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/))),
  /** redis/coalesce-writes.ts */
  REDIS_COALESCE_WRITES: v.optional(v.picklist(['on', 'off']), 'off'),
  DATA_DIR: v.optional(v.string(), './data'),
  KEY_PREFIX: v.optional(v.pipe(v.string(), v.regex(/^[a-z0-9_-]{1,32}$/)), 'bs'),
  ORDER_TIMEOUT_SECONDS: int(900, 1),
  TOKEN_TTL_SECONDS: int(3600, 1),
  TOKEN_SECRET: v.optional(v.pipe(v.string(), v.minLength(16))),
  MAILBOX_CAPACITY: int(1000, 1),
  ASK_TIMEOUT_MS: int(5000, 1),
  /** the shared Redis client's deadline per command (redis/connect.ts); default half ASK_TIMEOUT_MS */
  REDIS_COMMAND_TIMEOUT_MS: v.optional(
    v.pipe(v.string(), v.transform(Number), v.number(), v.integer(), v.minValue(1)),
  ),
  PASSWORD_CACHE_SECONDS: int(60, 0),
  WORKERS: v.optional(v.picklist(['inline', 'off']), 'inline'),
  /** server processes sharing the port (src/server-processes.ts) */
  WEB_CONCURRENCY: int(1, 1),
  LOG_LEVEL: v.optional(v.picklist(['debug', 'info', 'warn', 'error', 'silent']), 'info'),
  /** Node: a request's headers must arrive within this (slow clients get 408), and all of it within the next */
  HTTP_HEADERS_TIMEOUT_MS: int(20_000, 1),
  HTTP_REQUEST_TIMEOUT_MS: int(120_000, 1),
  /** auth/guesses.ts: wrong passwords are counted over windows of this length */
  PASSWORD_GUESS_WINDOW_SECONDS: int(900, 1),
  /** wrong passwords for one user from one client address per window; then 429 */
  PASSWORD_GUESSES_PER_USER_ADDRESS: int(5, 1),
  /** wrong passwords for one user from all addresses per window; then one per address */
  PASSWORD_GUESSES_PER_USER: int(100, 1),
  /** wrong passwords from one client address for all users per window; then 429 */
  PASSWORD_GUESSES_PER_ADDRESS: int(100, 1),
  /** http/idempotency.ts: live Idempotency-Keys per user (kept 24 h); a new one past them is 429 */
  IDEMPOTENCY_KEYS_PER_USER: int(10_000, 1),
  /** auth/guesses.ts: how long a right password's clean limit check is trusted in one process */
  PASSWORD_LIMIT_TRUST_MS: int(1000, 0),
  /** routes/admin-queues.ts: the queue dashboard's token; unset, the dashboard is off. Messages never quote it. */
  ADMIN_TOKEN: v.optional(
    v.pipe(
      v.string(),
      v.minLength(16, 'must be at least 16 characters'),
      v.regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
    ),
  ),
  /** http/request-id.ts: `true` writes one access log line per request */
  LOG_REQUESTS: v.pipe(
    v.optional(v.picklist(['true', 'false']), 'false'),
    v.transform((value) => value === 'true'),
  ),
  /** src/process.ts: how long a shutdown on SIGTERM/SIGINT may take before the process exits anyway */
  SHUTDOWN_GRACE_MS: int(10_000, 100),
});

export type Config = v.InferOutput<typeof EnvSchema>;

export function loadConfig(env: Record<string, string | undefined>): Config {
  const result = v.safeParse(EnvSchema, env);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const name = issue?.path?.map((p) => String(p.key)).join('.') ?? '?';
  throw new Error(`invalid environment variable ${name}: ${issue?.message ?? 'bad value'}`);
}
