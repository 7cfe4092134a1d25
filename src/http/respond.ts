/**
 * Answers: every answer is JSON with `code` (equal to the HTTP status) and `message`.
 */
import type { Context } from 'hono';
import { carriesRequestId, REQUEST_ID_HEADER, requestIdOf } from './request-id.ts';

/**
 * A JSON answer with the request's id among its headers, all in one plain object: @hono/node-server
 * writes such an answer straight out, where a `Headers` object (what Hono's `c.header` and `c.json`
 * with two or more headers make) costs a conversion per answer.
 */
function answer(c: Context, status: number, json: string, headers?: Record<string, string>) {
  const id = requestIdOf(c);
  const all: Record<string, string> = { 'content-type': 'application/json', ...headers };
  if (id === undefined) return new Response(json, { status, headers: all });
  all[REQUEST_ID_HEADER] = id;
  return carriesRequestId(new Response(json, { status, headers: all }));
}

export const ok = (c: Context, extra: Record<string, unknown> = {}) =>
  answer(c, 200, JSON.stringify({ code: 200, message: 'ok', ...extra }));

/**
 * `ok` with some fields already JSON text (`raw`: name -> JSON), spliced in after the others:
 * for an answer whose bulk was serialised before and is kept (search's books).
 */
export function okSpliced(c: Context, extra: Record<string, unknown>, raw: Record<string, string>) {
  const fields = Object.entries(raw).map(([name, json]) => `,${JSON.stringify(name)}:${json}`);
  const head = JSON.stringify({ code: 200, message: 'ok', ...extra });
  return answer(c, 200, `${head.slice(0, -1)}${fields.join('')}}`);
}

export const fail = (c: Context, code: number, message: string, headers?: Record<string, string>) =>
  answer(c, code, JSON.stringify({ code, message }), headers);
