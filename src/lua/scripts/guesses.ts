/**
 * Typed calls of the wrong-password limit (auth/guesses.ts): one counter pair in the user's slot,
 * one counter in the client address's own slot.
 */
import type { Keys } from '../../redis/keys.ts';
import { addressEntity, scriptCall, userEntity } from '../call.ts';
import type { GuessMode } from '../commands.ts';

/** The limits, and the window each counter counts over. */
export interface GuessLimits {
  windowMs: number;
  perUserAddress: number;
  perUser: number;
  perAddress: number;
}

/** 0 when allowed, else how long until a guess is allowed again (ms). */
const refusedFor = (raw: [number, number]) => ({ code: raw[0], retryMs: Number(raw[1]) });

export function guessScripts(k: Keys) {
  return {
    limitUserGuesses: (user: string, address: string, mode: GuessMode, l: GuessLimits) =>
      scriptCall(
        'limitUserGuesses',
        userEntity(user),
        (r) =>
          r.limitUserGuesses(
            k.guessesFrom(user, address),
            k.guesses(user),
            mode,
            l.perUserAddress,
            l.perUser,
            l.windowMs,
          ),
        refusedFor,
      ),
    limitAddressGuesses: (address: string, mode: GuessMode, l: GuessLimits) =>
      scriptCall(
        'limitAddressGuesses',
        addressEntity(address),
        (r) => r.limitAddressGuesses(k.addressGuesses(address), mode, l.perAddress, l.windowMs),
        refusedFor,
      ),
  };
}
