/**
 * Authentication of requests: by session token (header `token`) or by password. Password checks use
 * the verification cache; mutations pass the verified epoch to their script, which re-checks it in
 * Redis, and a cached verification refused there is retried once with a fresh one. Every password
 * check passes the wrong-password limit first (guesses.ts), and an unknown or closed user costs the
 * same hashing as a wrong password, so neither the answer nor its time tells whether a user exists.
 */
import { randomUUID } from 'node:crypto';
import { DomainError, expectOk } from '../errors.ts';
import { runScript } from '../lua/call.ts';
import { Code } from '../lua/codes.ts';
import type { IdemStart, ScriptCalls, TokenProof } from '../lua/scripts.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { Keys } from '../redis/keys.ts';
import type { GuessLimiter } from './guesses.ts';
import { hashPassword, type VerificationCache, verifyPassword } from './passwords.ts';
import type { TokenSigner } from './tokens.ts';

/** What an unknown user id is on this endpoint: USER_MISSING, or AUTH_FAILED where API.md says so. */
export type UnknownUser = typeof Code.USER_MISSING | typeof Code.AUTH_FAILED;

/** A password as a request presents it: the secret, and the client address it came from. */
export interface PasswordAttempt {
  password: string;
  client: string;
}

export interface GuardDeps {
  redis: RedisClient;
  keys: Keys;
  scripts: ScriptCalls;
  tokens: TokenSigner;
  cache: VerificationCache;
  guesses: GuessLimiter;
  now: () => number;
}

const unauthorized = (user: string) => new DomainError(Code.AUTH_FAILED, { user_id: user });

export function createGuard(d: GuardDeps) {
  // What an unknown or closed user's password is checked against: a hash made like every other.
  const dummyHash = hashPassword(randomUUID());

  /** Fresh checks in progress, by user, client and password: the same one sent twice at once joins. */
  const inFlight = new Map<string, Promise<{ epoch: string; cached: boolean }>>();

  async function checkPassword(user: string, attempt: PasswordAttempt, unknown: UnknownUser) {
    const { password, client } = attempt;
    const cached = d.cache.get(user, password);
    if (cached) {
      // A right password counts no guess, but a client past a limit is refused all the same.
      await d.guesses.known(user, client);
      return { epoch: cached, cached: true };
    }
    // A client's concurrent requests with one password (a cold cache) are one check and one guess.
    const flight = `${unknown}\u0000${user}\u0000${client}\u0000${password}`;
    const running = inFlight.get(flight);
    if (running) return running;
    const check = checkFresh(user, attempt, unknown).finally(() => inFlight.delete(flight));
    inFlight.set(flight, check);
    return check;
  }

  /** Takes a guess, then hashes: the stored hash, or the dummy for an unknown or closed user. */
  async function checkFresh(user: string, { password, client }: PasswordAttempt, unknown: UnknownUser) {
    const [, [state, stored, epoch]] = await Promise.all([
      d.guesses.take(user, client),
      d.redis.hmget(d.keys.user(user), 'state', 'pw', 'epoch'),
    ]);
    const usable = state === 'active' && stored && epoch;
    const right = await verifyPassword(usable ? stored : await dummyHash, password);
    if (!state) throw new DomainError(unknown, { user_id: user });
    if (!usable || !right) throw unauthorized(user);
    await d.guesses.right(user, client);
    d.cache.set(user, password, epoch);
    return { epoch, cached: false };
  }

  /** A password check whose cached result is confirmed against Redis (one field read, no KDF). */
  async function checkPasswordNow(user: string, attempt: PasswordAttempt, unknown: UnknownUser) {
    const first = await checkPassword(user, attempt, unknown);
    if (!first.cached) return first;
    const [state, epoch] = await d.redis.hmget(d.keys.user(user), 'state', 'epoch');
    if (state === 'active' && epoch === first.epoch) return first;
    d.cache.forget(user);
    return checkPassword(user, attempt, unknown);
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
     * Verifies the password, then starts the request's Idempotency-Key record (`start`, when it
     * carries one: only now, for a user proven to be the caller), then runs `action` with the
     * verified epoch. A cached verification that the record's start or the script refuses (password
     * changed elsewhere) is dropped and verified afresh once.
     */
    async withPassword<R extends { code: number }>(
      user: string,
      attempt: PasswordAttempt,
      unknown: UnknownUser,
      action: (epoch: string) => Promise<R>,
      start?: IdemStart,
    ): Promise<R> {
      let started = false;
      const act = async (epoch: string): Promise<R | undefined> => {
        if (start && !started) started = await start(user, epoch);
        return started || !start ? action(epoch) : undefined;
      };
      const first = await checkPassword(user, attempt, unknown);
      let reply = await act(first.epoch);
      if ((reply === undefined || reply.code === Code.AUTH_FAILED) && first.cached) {
        d.cache.forget(user);
        reply = await act((await checkPassword(user, attempt, unknown)).epoch);
      }
      if (reply === undefined || reply.code === Code.USER_MISSING || reply.code === Code.AUTH_FAILED) {
        d.cache.forget(user);
        throw unauthorized(user);
      }
      return reply;
    },

    /** For reads: verifies the password and that the epoch still holds (one extra field read). */
    async readAs<T>(
      user: string,
      attempt: PasswordAttempt,
      unknown: UnknownUser,
      read: () => Promise<{ epoch: string | null | undefined; value: T }>,
    ): Promise<T> {
      const first = await checkPassword(user, attempt, unknown);
      const result = await read();
      if (result.epoch === first.epoch) return result.value;
      d.cache.forget(user);
      const fresh = await checkPassword(user, attempt, unknown);
      const again = await read();
      if (again.epoch !== fresh.epoch) throw unauthorized(user);
      return again.value;
    },
  };
}

export type Guard = ReturnType<typeof createGuard>;
