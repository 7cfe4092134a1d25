/**
 * Every Lua script of this folder as one typed wrapper: it names the script's keys (from the one key
 * builder) and arguments and returns a ScriptCall (call.ts) whose reply decodes into named fields.
 * Call sites never assemble KEYS or ARGV by hand and never read a reply by position.
 */
import type { Keys } from '../redis/keys.ts';
import { accountScripts } from './scripts/account.ts';
import { guessScripts } from './scripts/guesses.ts';
import { orderScripts } from './scripts/order.ts';
import { storeScripts } from './scripts/store.ts';

export type { IdemCheck } from './scripts/account.ts';
export type { GuessLimits } from './scripts/guesses.ts';
export type { IdemMark, IdemStart } from './scripts/idem.ts';
export { answering } from './scripts/idem.ts';
export type { BuyerStep, OrderDraft, TokenProof } from './scripts/order.ts';

export function scriptCalls(k: Keys) {
  return { ...accountScripts(k), ...storeScripts(k), ...orderScripts(k), ...guessScripts(k) };
}

export type ScriptCalls = ReturnType<typeof scriptCalls>;
