/**
 * Guards admin pages with one shared token (ADMIN_TOKEN): HTTP Basic with the token as the password
 * and any user name, so a browser asks for it, or `Authorization: Bearer <token>` for scripts. The
 * comparison is hono's constant-time one. A missing or wrong token answers 401 JSON with a Basic
 * challenge (the browser's prompt); the token itself is never in an answer.
 */
import type { MiddlewareHandler } from 'hono';
import { auth } from 'hono/utils/basic-auth';
import { timingSafeEqual } from 'hono/utils/buffer';
import { fail } from './respond.ts';

export interface AdminAuthOptions {
  token: string;
  /** the name the browser's prompt shows */
  realm?: string;
}

const BEARER = /^ *bearer +(\S+) *$/i;

/** The token a request presents: a Bearer token, or Basic auth's password. */
function presentedToken(request: Request): string | undefined {
  const bearer = BEARER.exec(request.headers.get('Authorization') ?? '');
  return bearer ? bearer[1] : auth(request)?.password;
}

export function adminAuth({ token, realm = 'bookstore admin' }: AdminAuthOptions): MiddlewareHandler {
  const challenge = { 'WWW-Authenticate': `Basic realm="${realm}", charset="UTF-8"` };
  return async function requireAdminToken(c, next) {
    const presented = presentedToken(c.req.raw);
    if (presented !== undefined && (await timingSafeEqual(token, presented))) return next();
    const message = presented === undefined ? 'admin token required' : 'wrong admin token';
    return fail(c, 401, message, challenge);
  };
}
