/**
 * The Idempotency-Key part of effect scripts: every effect script takes the request's record key in
 * its own slot and the success answer to record there atomically with the effect.
 */
import type { Keys } from '../../redis/keys.ts';

/**
 * Starts a request's Idempotency-Key record for `user`, once proven the caller (`epoch`: the one its
 * password was verified at); false when that no longer holds (nothing was written).
 */
export type IdemStart = (user: string, epoch: string) => Promise<boolean>;

/** A request's Idempotency-Key, and the answer its effect script records on success. */
export interface IdemMark {
  user: string;
  key: string;
  answer: string;
  /**
   * Present while the record is still to be started (password endpoints, registration): the code
   * that authenticates the caller calls it, before any effect.
   */
  start?: IdemStart;
}

/** The mark of a request whose success answer carries more than code and message. */
export const answering = (idem: IdemMark | undefined, extra: Record<string, unknown>): IdemMark | undefined =>
  idem && { ...idem, answer: JSON.stringify({ code: 200, message: 'ok', ...extra }) };

/** How long an Idempotency-Key's answer is kept. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

/** The record key, answer and lifetime an effect script takes for its Idempotency-Key. */
export interface Mark {
  record: string;
  answer: string;
  ttlMs: number;
}

/** The mark of an effect script in `user`'s slot. */
export const userMark = (k: Keys, user: string, idem: IdemMark | undefined): Mark => ({
  record: k.idempotency(user, idem?.key ?? ''),
  answer: idem?.answer ?? '',
  ttlMs: IDEMPOTENCY_TTL_MS,
});

/** The mark of an effect script in `store`'s slot (the record names the user it is for). */
export const storeMark = (k: Keys, store: string, idem: IdemMark | undefined): Mark => ({
  record: k.storeIdempotency(store, idem?.user ?? '', idem?.key ?? ''),
  answer: idem?.answer ?? '',
  ttlMs: IDEMPOTENCY_TTL_MS,
});

/** The decoded reply of a script that answers only its code. */
export const codeOnly = <Raw extends [number, ...unknown[]]>(raw: Raw): { code: Raw[0] } => ({
  code: raw[0],
});
