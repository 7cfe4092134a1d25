/**
 * Health: /healthz (process up, never touches Redis), /readyz (Redis reachable). /readyz has a
 * deadline of its own, far shorter than a request's: a load balancer asks it to decide quickly.
 */
import { Hono } from 'hono';
import type { Deps } from '../domain/deps.ts';
import { describeRoute, operation } from '../http/openapi.ts';
import { fail, ok } from '../http/respond.ts';
import { answers } from '../http/schemas.ts';

/** How long /readyz waits for Redis's PING (it answers within 1 s even when Redis is paused). */
const READY_PING_MS = 500;

/** True when Redis answers a PING within `ms`. */
async function answersPing(redis: Deps['redis'], ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([redis.ping().then(() => true), late]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

const tags: ['service'] = ['service'];

export function healthRoutes(d: Deps) {
  return new Hono()
    .get(
      '/healthz',
      describeRoute(operation({ tags, summary: 'The process is up (never touches Redis)', codes: [200] })),
      (c) => ok(c),
    )
    .get(
      '/readyz',
      describeRoute(
        operation({
          tags,
          summary: 'Ready to serve: Redis answers',
          description: 'Also says whether the search index is built (searches wait for it).',
          answer: answers.ready,
          codes: [[503, `Redis did not answer a PING within ${READY_PING_MS} ms`], 200],
        }),
      ),
      async (c) => {
        if (await answersPing(d.redis, READY_PING_MS)) {
          return ok(c, { search_index: d.catalogue.built ? 'ready' : 'building' });
        }
        return fail(c, 503, 'Redis unreachable', { 'Retry-After': '1' });
      },
    );
}
