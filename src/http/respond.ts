/**
 * Answers: every answer is JSON with `code` (equal to the HTTP status) and `message`.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const ok = (c: Context, extra: Record<string, unknown> = {}) =>
  c.json({ code: 200, message: 'ok', ...extra });

/**
 * `ok` with some fields already JSON text (`raw`: name -> JSON), spliced in after the others:
 * for an answer whose bulk was serialised before and is kept (search's books).
 */
export function okSpliced(c: Context, extra: Record<string, unknown>, raw: Record<string, string>) {
  const fields = Object.entries(raw).map(([name, json]) => `,${JSON.stringify(name)}:${json}`);
  const head = JSON.stringify({ code: 200, message: 'ok', ...extra });
  return c.body(`${head.slice(0, -1)}${fields.join('')}}`, 200, { 'Content-Type': 'application/json' });
}

export const fail = (c: Context, code: number, message: string, headers: Record<string, string> = {}) =>
  c.json({ code, message }, code as ContentfulStatusCode, headers);
