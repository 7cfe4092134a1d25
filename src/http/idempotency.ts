/**
 * The `Idempotency-Key` header of mutating endpoints (API.md): a repeat with the same key and the
 * same body replays the first answer with `Idempotent-Replayed: true` and has no second effect; the
 * same key with another body answers 422; while the first is still running, 409. Keys are scoped to
 * the user the request acts for and kept 24 h. The record lives in that user's slot; effect scripts
 * mark it done in the same atomic step as their effect (the `idem` context variable carries what they
 * need), so a crash between the effect and the answer still replays rather than repeats.
 */
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { UnknownUser } from '../auth/guard.ts';
import type { Deps } from '../domain/deps.ts';
import { DomainError, invalid } from '../errors.ts';
import { runScript } from '../lua/call.ts';
import { Code } from '../lua/codes.ts';
import type { IdemMark } from '../lua/scripts.ts';

/**
 * `idem`: the mark effect scripts record; `tokenChecked`: the user whose token this request proved;
 * `json`: the body as the middleware parsed it (parseBody takes it instead of parsing again).
 */
export type AppEnv = {
  Variables: { idem: IdemMark | undefined; tokenChecked: string | undefined; json: unknown };
};

/** How long a first request may run before a repeat is taken as new (it died). */
const LEASE_MS = 30_000;
const OK_ANSWER = JSON.stringify({ code: 200, message: 'ok' });

export interface IdempotencyOptions {
  /** a token endpoint: the token is checked (in the same round trip) before a replay is shown */
  token?: boolean;
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

export function idempotent(d: Deps, options: IdempotencyOptions = {}): MiddlewareHandler<AppEnv> {
  return async function idempotency(c, next) {
    const key = c.req.header('idempotency-key');
    if (key === undefined) return next();
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
    if (typeof user !== 'string' || user.length === 0) return next();
    // Token endpoints: only the user's own session may see a replay (checked by idemBegin).
    const unknownUser = options.unknownUser ?? Code.USER_MISSING;
    const proof = options.token
      ? await proofOrRefuse(d, user, c.req.header('token'), unknownUser)
      : undefined;

    const fingerprint = createHash('sha256').update(c.req.path).update('\n').update(raw).digest('hex');
    const begun = await runScript(d.redis, d.scripts.idemBegin(user, key, fingerprint, LEASE_MS, proof));
    if (begun.code === Code.USER_MISSING || begun.code === Code.AUTH_FAILED) {
      throw new DomainError(begun.code === Code.USER_MISSING ? unknownUser : begun.code, { user_id: user });
    }
    if (proof) c.set('tokenChecked', user);
    if (begun.code === Code.IDEM_CONFLICT || begun.code === Code.IDEM_RUNNING) {
      throw new DomainError(begun.code, { user_id: user, key });
    }
    if (begun.code === Code.IDEM_DONE) {
      return c.body(begun.body, Number(begun.status) as ContentfulStatusCode, {
        'content-type': 'application/json',
        'Idempotent-Replayed': 'true',
      });
    }

    c.set('idem', { user, key, answer: OK_ANSWER });
    await next();
    const status = c.res.status;
    if (status === 200 && options.recordedByScript) return;
    // 500 and 503 changed nothing (or, on a timeout, what they changed is marked by its script):
    // forget the key so the client may send the request again.
    const keep = status !== 500 && status !== 503;
    const body = keep ? await c.res.clone().text() : '';
    await runScript(d.redis, d.scripts.idemFinish(user, key, fingerprint, keep ? String(status) : '', body));
  };
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
