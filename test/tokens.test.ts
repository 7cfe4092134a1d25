/**
 * TokenSigner (src/auth/tokens.ts) remembers the tokens whose signature it checked. What it answers
 * must not change with that: the user and the expiry are checked on every read, and only the exact
 * string that was proven well-signed is remembered (another spelling of it, or a forgery, is not).
 */
import { describe, expect, it } from 'vitest';
import { TokenSigner } from '../src/auth/tokens.ts';

const HOUR = 3_600_000;
const signer = () => new TokenSigner(Buffer.alloc(32, 7), HOUR);

describe('TokenSigner', () => {
  it('answers the same for a token read again: the user and the expiry are checked every time', () => {
    const s = signer();
    const token = s.issue('alice', 'terminal', '1', 0);
    for (let i = 0; i < 2; i++) {
      expect(s.read(token, 'alice', 1000)).toMatchObject({ u: 'alice', e: '1' });
      expect(s.read(token, 'bob', 1000)).toBeUndefined();
      expect(s.read(token, 'alice', HOUR + 1)).toBeUndefined();
    }
  });

  it('refuses other spellings and forgeries of a token it has remembered', () => {
    const s = signer();
    const token = s.issue('alice', 'terminal', '1', 0);
    expect(s.read(token, 'alice', 1)).toBeDefined();
    const [body = '', signature = ''] = token.split('.');
    // A signer of the same secret that has remembered nothing answers the same.
    const fresh = signer();
    // A token of another secret, the same claims: a different signature.
    const other = new TokenSigner(Buffer.alloc(32, 8), HOUR).issue('alice', 'terminal', '1', 0);
    for (const variant of [
      `${body}.${signature}=`,
      `${body}=.${signature}`,
      `${body}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`,
      `${token}.x`,
      other,
      `${other.split('.')[0]}.${signature}`,
    ]) {
      expect(s.read(variant, 'alice', 1), variant).toBeUndefined();
      expect(fresh.read(variant, 'alice', 1), variant).toBeUndefined();
    }
    expect(s.read(token, 'alice', 1)).toBeDefined();
  });

  it('still reads every token right past the number it remembers', () => {
    const s = signer();
    const tokens = Array.from({ length: 10_050 }, (_, i) => s.issue(`u${i}`, 't', '1', 0));
    for (const [i, token] of tokens.entries()) expect(s.read(token, `u${i}`, 1)).toBeDefined();
    for (const [i, token] of tokens.entries()) {
      expect(s.read(token, `u${i}`, 1)?.u).toBe(`u${i}`);
      expect(s.read(token, `u${i + 1}`, 1)).toBeUndefined();
    }
  });
});
