/**
 * Authentication of requests: by session token (header `token`) or by password. Password checks use
 * the verification cache; mutations pass the verified epoch to their script, which re-checks it in
 * Redis, and a cached verification refused there is retried once with a fresh one.
 */
import { DomainError, expectOk } from '../errors.ts';
import { runScript } from '../lua/call.ts';
import { Code } from '../lua/codes.ts';
import type { ScriptCalls, TokenProof } from '../lua/scripts.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { Keys } from '../redis/keys.ts';
import { type VerificationCache, verifyPassword } from './passwords.ts';
import type { TokenSigner } from './tokens.ts';

/** What an unknown user id is on this endpoint: USER_MISSING, or AUTH_FAILED where API.md says so. */
export type UnknownUser = typeof Code.USER_MISSING | typeof Code.AUTH_FAILED;

export interface GuardDeps {
  redis: RedisClient;
  keys: Keys;
  scripts: ScriptCalls;
  tokens: TokenSigner;
  cache: VerificationCache;
  now: () => number;
}

const unauthorized = (user: string) => new DomainError(Code.AUTH_FAILED, { user_id: user });

export function createGuard(d: GuardDeps) {
  async function checkPassword(user: string, password: string, unknown: UnknownUser) {
    const cached = d.cache.get(user, password);
    if (cached) return { epoch: cached, cached: true };
    const [state, stored, epoch] = await d.redis.hmget(d.keys.user(user), 'state', 'pw', 'epoch');
    if (!state) throw new DomainError(unknown, { user_id: user });
    if (state !== 'active' || !stored || !epoch || !(await verifyPassword(stored, password))) {
      throw unauthorized(user);
    }
    d.cache.set(user, password, epoch);
    return { epoch, cached: false };
  }

  /** A password check whose cached result is confirmed against Redis (one field read, no KDF). */
  async function checkPasswordNow(user: string, password: string, unknown: UnknownUser) {
    const first = await checkPassword(user, password, unknown);
    if (!first.cached) return first;
    const [state, epoch] = await d.redis.hmget(d.keys.user(user), 'state', 'epoch');
    if (state === 'active' && epoch === first.epoch) return first;
    d.cache.forget(user);
    return checkPassword(user, password, unknown);
  }

  /** A token proof still valid in Redis: the user active at its epoch, the token not revoked. */
  async function checkProof(user: string, proof: TokenProof): Promise<void> {
    expectOk(await runScript(d.redis, d.scripts.authToken(user, proof.epoch, proof.tokenId)), {
      user_id: user,
    });
  }

  /**
   * The proof a session token gives for `user`, checked in the process only (signature, user,
   * expiry): a script that acts on it checks its epoch and revocation in Redis. A token that fails
   * here is refused at once (USER_MISSING when the user does not exist, else AUTH_FAILED).
   */
  async function proof(user: string, token: string | undefined): Promise<TokenProof & { expires: number }> {
    const claims = d.tokens.read(token, user, d.now());
    if (!claims) {
      await checkProof(user, { epoch: '', tokenId: '' });
      throw unauthorized(user);
    }
    return { epoch: claims.e, tokenId: claims.j, expires: claims.x };
  }

  return {
    checkPassword,
    checkPasswordNow,

    proof,

    checkProof,

    /** Checks a session token for `user` in full (one round trip): for endpoints whose script does not. */
    async token(user: string, token: string | undefined): Promise<TokenProof & { expires: number }> {
      const checked = await proof(user, token);
      await checkProof(user, checked);
      return checked;
    },

    /**
     * Verifies the password, then runs `action` with the verified epoch. A cached verification that
     * the script refuses (password changed elsewhere) is dropped and verified afresh once.
     */
    async withPassword<R extends { code: number }>(
      user: string,
      password: string,
      unknown: UnknownUser,
      action: (epoch: string) => Promise<R>,
    ): Promise<R> {
      const first = await checkPassword(user, password, unknown);
      let reply = await action(first.epoch);
      if (reply.code === Code.AUTH_FAILED && first.cached) {
        d.cache.forget(user);
        reply = await action((await checkPassword(user, password, unknown)).epoch);
      }
      if (reply.code === Code.USER_MISSING || reply.code === Code.AUTH_FAILED) {
        d.cache.forget(user);
        throw unauthorized(user);
      }
      return reply;
    },

    /** For reads: verifies the password and that the epoch still holds (one extra field read). */
    async readAs<T>(
      user: string,
      password: string,
      unknown: UnknownUser,
      read: () => Promise<{ epoch: string | null | undefined; value: T }>,
    ): Promise<T> {
      const first = await checkPassword(user, password, unknown);
      const result = await read();
      if (result.epoch === first.epoch) return result.value;
      d.cache.forget(user);
      const fresh = await checkPassword(user, password, unknown);
      const again = await read();
      if (again.epoch !== fresh.epoch) throw unauthorized(user);
      return again.value;
    },
  };
}

export type Guard = ReturnType<typeof createGuard>;
