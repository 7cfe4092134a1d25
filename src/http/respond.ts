/**
 * Answers: every answer is JSON with `code` (equal to the HTTP status) and `message`.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const ok = (c: Context, extra: Record<string, unknown> = {}) =>
  c.json({ code: 200, message: 'ok', ...extra });

export const fail = (c: Context, code: number, message: string, headers: Record<string, string> = {}) =>
  c.json({ code, message }, code as ContentfulStatusCode, headers);
