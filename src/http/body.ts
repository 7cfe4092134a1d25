/**
 * Reads and validates a JSON request body: malformed JSON, a non-object body or any field that fails
 * its schema answers 530 naming the field, before anything runs.
 */
import type { Context } from 'hono';
import * as v from 'valibot';
import { invalid } from '../errors.ts';

export async function parseBody<S extends v.GenericSchema>(c: Context, schema: S): Promise<v.InferOutput<S>> {
  // The Idempotency-Key middleware parsed it already when the request carries a key.
  let body: unknown = c.get('json');
  if (body === undefined) {
    try {
      body = await c.req.json();
    } catch {
      throw invalid('body', 'not valid JSON');
    }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('body', 'must be a JSON object');
  const result = v.safeParse(schema, body);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const field = v.getDotPath(issue) ?? 'body';
  throw invalid(field, issue.message);
}
