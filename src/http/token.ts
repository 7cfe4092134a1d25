/**
 * Authentication by session token (header `token`) at the HTTP edge, once per request: a request
 * whose Idempotency-Key middleware already proved the same user's token is not checked again (one
 * Redis round trip fewer).
 */
import type { Context } from 'hono';
import type { Deps } from '../domain/deps.ts';
import type { AppEnv } from './idempotency.ts';

export async function requireToken(d: Deps, c: Context<AppEnv>, user: string): Promise<void> {
  if (c.get('tokenChecked') === user) return;
  await d.guard.token(user, c.req.header('token'));
  c.set('tokenChecked', user);
}
