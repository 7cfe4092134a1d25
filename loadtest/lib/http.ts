/**
 * Plain HTTP (fetch) for set-up, verification and polling: send one `ApiRequest`, or insist on a 200
 * with a parsable answer; run the world's steps (../scenarios/world.ts) that way; and a
 * bounded-concurrency map to fan requests out.
 */
import * as api from '../scenarios/api.ts';
import type { Steps } from '../scenarios/world.ts';

export async function send(base: string, req: api.ApiRequest) {
  const response = await fetch(base + req.path, { method: req.method, headers: req.headers, body: req.body });
  return { status: response.status, reply: api.parseReply(await response.text()) };
}

/** Sends `req` and returns its answer; throws unless it is a 200 with a JSON body. */
export async function must(base: string, req: api.ApiRequest): Promise<api.Reply> {
  const sent = await send(base, req);
  if (sent.status !== 200 || !sent.reply)
    throw new Error(`${req.name} ${req.path}: HTTP ${sent.status} ${JSON.stringify(sent.reply ?? null)}`);
  return sent.reply;
}

/** Runs steps, each request with `must`. */
export async function run<T>(base: string, steps: Steps<T>): Promise<T> {
  let step = steps.next();
  while (!step.done) step = steps.next(await must(base, step.value));
  return step.value;
}

/** Runs `fn` over `items` with at most `limit` at a time; results in order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  });
  await Promise.all(lanes);
  return results;
}
