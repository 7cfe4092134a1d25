/**
 * Typed calls of the scripts of a user's account (all in the user's slot): registration, password,
 * tokens, funds, and the Idempotency-Key records.
 */
import type { Keys } from '../../redis/keys.ts';
import { scriptCall, userEntity } from '../call.ts';
import { Code } from '../codes.ts';
import { codeOnly, IDEMPOTENCY_TTL_MS, type IdemMark, userMark } from './idem.ts';

/**
 * What idemBegin checks before it writes anything: a session token (`tokenId` given), the epoch a
 * password was just verified at, or that the user does not exist yet (registration).
 */
export type IdemCheck = { epoch: string; tokenId?: string } | 'absent';

export interface IdemBeginOptions {
  /** how long a first request may run before a repeat is taken as new (it died) */
  leaseMs: number;
  now: number;
  /** most live keys per user: a new key past them is refused */
  maxKeys: number;
  /** undefined: no check (tests only) */
  check?: IdemCheck;
}

export interface TokenClaims {
  epoch: string;
  tokenId: string;
  expiresAt: number;
}

export function accountScripts(k: Keys) {
  return {
    /** Starts a request's Idempotency-Key record once `check` passes (see idemBegin-4.lua). */
    idemBegin: (user: string, key: string, fingerprint: string, o: IdemBeginOptions) => {
      const c = o.check;
      const [check, epoch, tokenId] =
        c === undefined
          ? (['', '', ''] as const)
          : c === 'absent'
            ? (['absent', '', ''] as const)
            : c.tokenId === undefined
              ? (['epoch', c.epoch, ''] as const)
              : (['token', c.epoch, c.tokenId] as const);
      return scriptCall(
        'idemBegin',
        userEntity(user),
        (r) =>
          r.idemBegin(
            k.idempotency(user, key),
            k.user(user),
            k.revoked(user),
            k.idempotencyKeys(user),
            fingerprint,
            o.leaseMs,
            check,
            epoch,
            tokenId,
            key,
            o.now,
            IDEMPOTENCY_TTL_MS,
            o.maxKeys,
          ),
        (raw) => {
          if (raw[0] === Code.IDEM_DONE) return { code: raw[0], status: raw[1], body: raw[2] };
          if (raw[0] === Code.IDEM_FULL) return { code: raw[0], key, retryMs: raw[1] };
          return { code: raw[0], key };
        },
      );
    },
    idemFinish: (user: string, key: string, fingerprint: string, status: string, body: string) =>
      scriptCall(
        'idemFinish',
        userEntity(user),
        (r) =>
          r.idemFinish(
            k.idempotency(user, key),
            k.idempotencyKeys(user),
            fingerprint,
            status,
            body,
            IDEMPOTENCY_TTL_MS,
            key,
          ),
        (raw) => ({ code: raw[0], key }),
      ),
    register: (user: string, pwHash: string, now: number, idem?: IdemMark) => {
      const m = userMark(k, user, idem);
      return scriptCall(
        'register',
        userEntity(user),
        (r) => r.register(k.user(user), m.record, pwHash, now, m.answer, m.ttlMs),
        codeOnly,
      );
    },
    unregister: (user: string, epoch: string, idem?: IdemMark) => {
      const m = userMark(k, user, idem);
      return scriptCall(
        'unregister',
        userEntity(user),
        (r) => r.unregister(k.user(user), m.record, epoch, m.answer, m.ttlMs),
        codeOnly,
      );
    },
    changePassword: (user: string, epoch: string, pwHash: string, idem?: IdemMark) => {
      const m = userMark(k, user, idem);
      return scriptCall(
        'changePassword',
        userEntity(user),
        (r) => r.changePassword(k.user(user), m.record, epoch, pwHash, m.answer, m.ttlMs),
        (raw) => (raw[0] === Code.OK ? { code: raw[0], epoch: String(raw[1]) } : { code: raw[0] }),
      );
    },
    authToken: (user: string, epoch: string, tokenId: string) =>
      scriptCall(
        'authToken',
        userEntity(user),
        (r) => r.authToken(k.user(user), k.revoked(user), epoch, tokenId),
        codeOnly,
      ),
    logout: (user: string, token: TokenClaims, now: number, idem?: IdemMark) => {
      const m = userMark(k, user, idem);
      return scriptCall(
        'logout',
        userEntity(user),
        (r) =>
          r.logout(
            k.user(user),
            k.revoked(user),
            m.record,
            token.epoch,
            token.tokenId,
            token.expiresAt,
            now,
            m.answer,
            m.ttlMs,
          ),
        codeOnly,
      );
    },
    addFunds: (user: string, epoch: string, delta: number, idem?: IdemMark) => {
      const m = userMark(k, user, idem);
      return scriptCall(
        'addFunds',
        userEntity(user),
        (r) => r.addFunds(k.user(user), m.record, epoch, delta, m.answer, m.ttlMs),
        (raw) => {
          if (raw[0] === Code.OK) return { code: raw[0], balance: raw[1] };
          if (raw[0] === Code.INVALID) return { code: raw[0], field: raw[1] };
          return { code: raw[0] };
        },
      );
    },
  };
}
