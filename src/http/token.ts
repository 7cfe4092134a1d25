/**
 * Authentication by session token (header `token`) at the HTTP edge, once per request: a request
 * whose Idempotency-Key middleware already proved the same user's token is not checked again (one
 * Redis round trip fewer).
 */
import type { Context } from 'hono';
import type { Deps } from '../domain/deps.ts';
import type { TokenProof } from '../lua/scripts.ts';
import type { AppEnv } from './idempotency.ts';

/**
 * The proof of the request's token for `user` (signature, user, expiry checked in the process), for a
 * route whose script checks the rest: the one the Idempotency-Key middleware already made, else made
 * here (so the signature is verified once per request).
 */
export async function tokenProof(d: Deps, c: Context<AppEnv>, user: string): Promise<TokenProof> {
  const made = c.get('tokenProof');
  if (made && c.get('tokenChecked') === user) return made;
  return d.guard.proof(user, c.req.header('token'));
}

export async function requireToken(d: Deps, c: Context<AppEnv>, user: string): Promise<void> {
  if (c.get('tokenChecked') === user) return;
  await d.guard.token(user, c.req.header('token'));
  c.set('tokenChecked', user);
}
