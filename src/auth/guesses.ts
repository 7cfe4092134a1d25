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
}

export function createGuessLimiter(d: GuessLimiterDeps) {
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
      const [byUser, byAddress] = await ask(user, address, 'take');
      if (byUser.retryMs === 0 && byAddress.retryMs === 0) return;
      // One side refused: the other side's count, if it took one, is given back.
      if (byUser.retryMs === 0) await perUser(user, address, 'back');
      if (byAddress.retryMs === 0) await perAddress(address, 'back');
      throw refused(user, Math.max(byUser.retryMs, byAddress.retryMs));
    },

    /**
     * A password known right (cached): refused past a limit all the same, else the address's
     * guesses at the user are forgotten, as after a right password; nothing is counted.
     */
    async known(user: string, address: string): Promise<void> {
      const [byUser, byAddress] = await ask(user, address, 'known');
      const retryMs = Math.max(byUser.retryMs, byAddress.retryMs);
      if (retryMs > 0) throw refused(user, retryMs);
    },

    /** The guess proved right: it is given back, and the address's guesses at the user are forgotten. */
    async right(user: string, address: string): Promise<void> {
      await ask(user, address, 'right');
    },
  };
}

export type GuessLimiter = ReturnType<typeof createGuessLimiter>;
