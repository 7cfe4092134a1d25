/**
 * The JSON body of a route: `jsonBody(schema)` validates it with its valibot schema and declares it
 * for the OpenAPI document, as hono-openapi's `validator('json', schema)` does (the same resolver
 * under the same mark), with this service's reading of the body: malformed JSON, a non-object body
 * or any field that fails its schema answers 530 naming the field, before anything runs. The handler
 * takes the output with `c.req.valid('json')`.
 *
 * Hono's own JSON validator, which hono-openapi's wraps, does not fit: it reads a body only under a
 * JSON Content-Type (this service reads JSON whatever the Content-Type says), answers malformed JSON
 * with 400, and would parse the text a second time after the Idempotency-Key middleware parsed it.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { resolver, uniqueSymbol } from 'hono-openapi';
import * as v from 'valibot';
import { invalid } from '../errors.ts';
import type { AppEnv } from './idempotency.ts';

/** The body as a JSON object: the one the Idempotency-Key middleware parsed, else parsed here. */
async function jsonObject(c: Context<AppEnv>): Promise<unknown> {
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
  return body;
}

type Validated<S extends v.GenericSchema> = {
  in: { json: v.InferInput<S> };
  out: { json: v.InferOutput<S> };
};

export function jsonBody<S extends v.GenericSchema>(schema: S) {
  const validateJson: MiddlewareHandler<AppEnv, string, Validated<S>> = async function validateJson(c, next) {
    const result = v.safeParse(schema, await jsonObject(c));
    if (!result.success) {
      const issue = result.issues[0];
      throw invalid(v.getDotPath(issue) ?? 'body', issue.message);
    }
    c.req.addValidatedData('json', result.output as object);
    await next();
  };
  return Object.assign(validateJson, { [uniqueSymbol]: { target: 'json' as const, ...resolver(schema) } });
}
