/**
 * Password hashing with argon2id (salted, memory-hard; @node-rs/argon2 runs it on the libuv thread
 * pool, off the event loop), and a short-lived cache of successful verifications so clients that
 * log in or pay many times a minute do not pay a KDF each time.
 *
 * The cache never holds a password: it keeps an HMAC of it under a per-process random key, with the
 * user's epoch at verification time. Scripts re-check that epoch inside Redis, so a password change
 * or unregister elsewhere invalidates a cached verification at once.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

const cacheKey = randomBytes(32);
const digest = (user: string, password: string) =>
  createHmac('sha256', cacheKey).update(user).update('\0').update(password).digest();

export const hashPassword = (password: string): Promise<string> => hash(password);
export const verifyPassword = (stored: string, password: string): Promise<boolean> =>
  verify(stored, password).catch(() => false);

interface Entry {
  digest: Buffer;
  epoch: string;
  expires: number;
}

/** Remembers (user, password) → epoch for `ttlMs`; bounded, oldest entries go first. */
export class VerificationCache {
  private entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(user: string, password: string): string | undefined {
    const entry = this.entries.get(user);
    if (!entry) return undefined;
    if (entry.expires <= this.now() || !timingSafeEqual(entry.digest, digest(user, password)))
      return undefined;
    return entry.epoch;
  }

  set(user: string, password: string, epoch: string): void {
    if (this.ttlMs <= 0) return;
    this.entries.delete(user);
    this.entries.set(user, { digest: digest(user, password), epoch, expires: this.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  forget(user: string): void {
    this.entries.delete(user);
  }
}
