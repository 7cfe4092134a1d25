/**
 * The `Idempotency-Key` header of mutating endpoints (API.md): a repeat with the same key and the
 * same body replays the first answer with `Idempotent-Replayed: true` and has no second effect; the
 * same key with another body answers 422; while the first is still running, 409. Keys are scoped to
 * the user the request acts for and kept 24 h. The record lives in that user's slot; effect scripts
 * mark it done in the same atomic step as their effect (the `idem` context variable carries what they
 * need), so a crash between the effect and the answer still replays rather than repeats.
 *
 * A record is started only for a user proven to be the caller, so a stranger's request can neither
 * leave anything in a user's slot nor block a key the user will send:
 * - `auth: 'token'`: here, by the idemBegin script, which checks the session token first;
 * - `auth: 'password'`: by the guard (`start` of the mark) once the password is verified, so a
 *   request refused before that (530, 511, 401, 429) has no record;
 * - `auth: 'new-user'` (registration): by the domain, only while the user does not exist.
 * An answer of 401 is never kept, nor any but 200 of a registration. Each user has at most
 * IDEMPOTENCY_KEYS_PER_USER live keys: a new key past them is refused with 429 (IDEM_FULL) and
 * `Retry-After` until the oldest expires; live keys are never dropped early.
 */
import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { UnknownUser } from '../auth/guard.ts';
import type { Deps } from '../domain/deps.ts';
import { DomainError, invalid } from '../errors.ts';
import { runScript } from '../lua/call.ts';
import { Code } from '../lua/codes.ts';
import type { IdemCheck, IdemMark, TokenProof } from '../lua/scripts.ts';
import { outageOf } from '../redis/outage.ts';
import { whenAnswering } from '../redis/stall-guard.ts';

/**
 * `idem`: the mark effect scripts record; `tokenChecked`: the user whose token this request proved;
 * `json`: the body as the middleware parsed it (jsonBody takes it instead of parsing again).
 */
export type AppEnv = {
  Variables: {
    idem: IdemMark | undefined;
    tokenChecked: string | undefined;
    /** the proof of `tokenChecked`'s token, for a route that passes it on to its script */
    tokenProof: TokenProof | undefined;
    json: unknown;
  };
};

/** How long a first request may run before a repeat is taken as new (it died). */
const LEASE_MS = 30_000;
const OK_ANSWER = JSON.stringify({ code: 200, message: 'ok' });

export interface IdempotencyOptions {
  /** how the caller is proven before a record is started (see above) */
  auth: 'token' | 'password' | 'new-user';
  /**
   * The route's effect scripts record its 200 answer under the key themselves (answering, in the
   * user's slot), so a 200 needs no second write.
   */
  recordedByScript?: boolean;
  /**
   * What an unknown user id answers when the token is checked here: USER_MISSING (511) by default,
   * AUTH_FAILED on logout, whose only refusal is 401 (API.md).
   */
  unknownUser?: UnknownUser;
}

/** The replay of a stored answer, thrown where the record is started; the app answers it as is. */
const replay = (status: string, body: string) =>
  new HTTPException(Number(status) as ContentfulStatusCode, {
    res: new Response(body, {
      status: Number(status),
      headers: { 'content-type': 'application/json', 'Idempotent-Replayed': 'true' },
    }),
  });

/** The key and the user it is for, or undefined when the request carries no key (or no user). */
async function keyOf(c: Context<AppEnv>) {
  const key = c.req.header('idempotency-key');
  if (key === undefined) return undefined;
  if (key.length === 0 || key.length > 255) throw invalid('Idempotency-Key', 'must be 1 to 255 characters');
  const raw = await c.req.text();
  let user: unknown;
  try {
    const json: unknown = JSON.parse(raw);
    c.set('json', json);
    user = (json as { user_id?: unknown })?.user_id;
  } catch {
    // malformed JSON: the handler answers 530
  }
  if (typeof user !== 'string' || user.length === 0) return undefined;
  const fingerprint = createHash('sha256').update(c.req.path).update('\n').update(raw).digest('hex');
  return { key, user, fingerprint };
}

export function idempotent(d: Deps, options: IdempotencyOptions): MiddlewareHandler<AppEnv> {
  return async function idempotency(c, next) {
    const request = await keyOf(c);
    if (!request) return next();
    const { key, user, fingerprint } = request;
    let started = false;

    /** Starts the record once `check` passes (OK); else the check's failure (nothing written). */
    const start = async (check: IdemCheck) => {
      const begun = await runScript(
        d.redis,
        d.scripts.idemBegin(user, key, fingerprint, {
          leaseMs: LEASE_MS,
          now: d.now(),
          maxKeys: d.config.IDEMPOTENCY_KEYS_PER_USER,
          check,
        }),
      ).catch((error: unknown) => {
        // Sent and not answered (Redis paused or gone): the record may exist, running, once Redis
        // answers again, and would refuse this request's retries with 409 for the whole lease.
        if (outageOf(error) === 'no-answer') forget(d, user, key, fingerprint);
        throw error;
      });
      switch (begun.code) {
        case Code.OK:
          started = true;
          return begun.code;
        case Code.USER_MISSING:
        case Code.AUTH_FAILED:
          return begun.code;
        case Code.IDEM_DONE:
          throw replay(begun.status, begun.body);
        case Code.IDEM_FULL: {
          const retryAfter = Math.ceil(begun.retryMs / 1000);
          const limit = d.config.IDEMPOTENCY_KEYS_PER_USER;
          throw new DomainError(begun.code, { user_id: user, key, retryAfter, limit });
        }
        default:
          throw new DomainError(begun.code, { user_id: user, key });
      }
    };

    if (options.auth === 'token') {
      // Only the user's own live session may start a record or see a replay.
      const unknownUser = options.unknownUser ?? Code.USER_MISSING;
      const proof = await proofOrRefuse(d, user, c.req.header('token'), unknownUser);
      const checked = await start(proof);
      if (checked !== Code.OK) {
        throw new DomainError(checked === Code.USER_MISSING ? unknownUser : checked, { user_id: user });
      }
      c.set('tokenChecked', user);
      c.set('tokenProof', proof);
    }
    const mark: IdemMark = { user, key, answer: OK_ANSWER };
    if (options.auth === 'password') {
      mark.start = async (verified, epoch) => verified === user && (await start({ epoch })) === Code.OK;
    } else if (options.auth === 'new-user') {
      mark.start = async (created) => created === user && (await start('absent')) === Code.OK;
    }
    c.set('idem', mark);
    await next();
    if (started) await finish(d, c, request, options);
  };
}

/** Stores the answer for replay, or forgets the key when nothing was changed or the caller is unproven. */
async function finish(
  d: Deps,
  c: Context<AppEnv>,
  request: { key: string; user: string; fingerprint: string },
  options: IdempotencyOptions,
) {
  const status = c.res.status;
  if (status === 200 && options.recordedByScript) return;
  const { user, key, fingerprint } = request;
  if (status === 500 || status === 503) {
    forget(d, user, key, fingerprint);
    return;
  }
  // A 401 or a refused registration changed nothing either: the key is forgotten and may be sent again.
  const keep = options.auth === 'new-user' ? status === 200 : status !== 401;
  const body = keep ? await c.res.clone().text() : '';
  await runScript(d.redis, d.scripts.idemFinish(user, key, fingerprint, keep ? String(status) : '', body));
}

/**
 * After a 500 or 503 the key is forgotten, so the client may send the request again: it changed
 * nothing, or (its command sent, no answer in time) its effect script marks the key done when it
 * runs, and a record marked done is kept. The answer does not wait: Redis may be away (why the answer
 * is 503); the forget is sent once Redis answers again, on the connection the effect went on, so it
 * runs after the effect.
 */
function forget(d: Deps, user: string, key: string, fingerprint: string): void {
  whenAnswering(d.redis, () => {
    runScript(d.redis, d.scripts.idemFinish(user, key, fingerprint, '', '')).catch(() => {});
  });
}

/** The token's proof for `user`, refusing an unknown user with `unknownUser`. */
async function proofOrRefuse(d: Deps, user: string, token: string | undefined, unknownUser: UnknownUser) {
  try {
    return await d.guard.proof(user, token);
  } catch (error) {
    if (error instanceof DomainError && error.code === Code.USER_MISSING) {
      throw new DomainError(unknownUser, { user_id: user });
    }
    throw error;
  }
}
