/**
 * The wrong-password limit, shared by every process through Redis. A password check first takes a
 * guess from two counters, the user's (per client address, and all addresses together) and the
 * address's (all users), atomically in each slot; a right password gives it back. Past a limit the
 * check is refused with TOO_MANY_GUESSES before any password is hashed. The per-user part slows a
 * guesser without locking the user out (lua/limitUserGuesses-2.lua).
 */
import { DomainError, Kind } from '../errors.ts';
import { runScript } from '../lua/call.ts';
import type { GuessMode } from '../lua/commands.ts';
import type { GuessLimits, ScriptCalls } from '../lua/scripts.ts';
import type { RedisClient } from '../redis/connect.ts';

export interface GuessLimiterDeps {
  redis: RedisClient;
  scripts: ScriptCalls;
  limits: GuessLimits;
  now?: () => number;
  /**
   * How long a right (cached) password's clean check of a (user, address) pair is taken on trust in
   * this process (PASSWORD_LIMIT_TRUST_MS, 1 s): a client paying many times a second asks Redis
   * about its limits once a second, not once per request (the check was a second round trip on every
   * cached payment). Wrong guesses are never taken on trust: each is counted in Redis, and drops the
   * pair's trust in this process at once. (Wrong guesses made through another process count there
   * at once; a right password here may pass unchecked for at most this long after.)
   */
  trustMs?: number;
}

const MAX_TRUSTED = 100_000;

export function createGuessLimiter(d: GuessLimiterDeps) {
  const now = d.now ?? Date.now;
  const trusted = new Map<string, number>();
  const pair = (user: string, address: string) => `${user}\n${address}`;
  const trust = (key: string) => {
    trusted.delete(key);
    trusted.set(key, now() + (d.trustMs ?? 0));
    if (trusted.size > MAX_TRUSTED) trusted.delete(trusted.keys().next().value as string);
  };
  const perUser = (user: string, address: string, mode: GuessMode) =>
    runScript(d.redis, d.scripts.limitUserGuesses(user, address, mode, d.limits));
  const perAddress = (address: string, mode: GuessMode) =>
    runScript(d.redis, d.scripts.limitAddressGuesses(address, mode, d.limits));
  const ask = (user: string, address: string, mode: GuessMode) =>
    Promise.all([perUser(user, address, mode), perAddress(address, mode)]);

  const refused = (user: string, retryMs: number) =>
    new DomainError(Kind.TOO_MANY_GUESSES, { user_id: user, retryAfter: Math.ceil(retryMs / 1000) });

  return {
    /** Counts a guess at `user`'s password from `address`, or refuses it (nothing counted). */
    async take(user: string, address: string): Promise<void> {
      trusted.delete(pair(user, address));
      const [byUser, byAddress] = await ask(user, address, 'take');
      if (byUser.retryMs === 0 && byAddress.retryMs === 0) return;
      // One side refused: the other side's count, if it took one, is given back.
      if (byUser.retryMs === 0) await perUser(user, address, 'back');
      if (byAddress.retryMs === 0) await perAddress(address, 'back');
      throw refused(user, Math.max(byUser.retryMs, byAddress.retryMs));
    },

    /**
     * A password known right (cached): refused past a limit all the same, else the address's
     * guesses at the user are forgotten, as after a right password; nothing is counted. A pair
     * checked clean less than `trustMs` ago is not asked again.
     */
    async known(user: string, address: string): Promise<void> {
      const key = pair(user, address);
      if ((trusted.get(key) ?? 0) > now()) return;
      const [byUser, byAddress] = await ask(user, address, 'known');
      const retryMs = Math.max(byUser.retryMs, byAddress.retryMs);
      if (retryMs > 0) {
        trusted.delete(key);
        throw refused(user, retryMs);
      }
      trust(key);
    },

    /** The guess proved right: it is given back, and the address's guesses at the user are forgotten. */
    async right(user: string, address: string): Promise<void> {
      await ask(user, address, 'right');
    },
  };
}

export type GuessLimiter = ReturnType<typeof createGuessLimiter>;
