/**
 * The queue dashboard: bull-board at /admin/queues, showing the "orders" queue through the service's
 * own Queue object (same connection, same hash-tagged prefix), behind ADMIN_TOKEN (http/admin-auth.ts)
 * for every path under it: page, API and UI files. Without ADMIN_TOKEN nothing is mounted and
 * bull-board is never loaded. With it, bull-board is imported while the service boots; a request
 * that comes sooner waits for it. Its UI files are served by @hono/node-server's serveStatic, which
 * reads them with node:fs and so serves them on Deno as well.
 */
import type { Queue } from 'bullmq';
import { Hono } from 'hono';
import type { Deps } from '../domain/deps.ts';
import { adminAuth } from '../http/admin-auth.ts';
import { fail } from '../http/respond.ts';

export const QUEUE_BOARD_PATH = '/admin/queues';

/** bull-board's routes under QUEUE_BOARD_PATH, as an app of their own. */
async function loadBoard(queue: Queue): Promise<Hono> {
  const [{ createBullBoard }, { BullMQAdapter }, { HonoAdapter }, { serveStatic }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/hono'),
    import('@hono/node-server/serve-static'),
  ]);
  const adapter = new HonoAdapter(serveStatic).setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({ queues: [new BullMQAdapter(queue)], serverAdapter: adapter });
  // A failure goes on to the service's error handler (logged, 500 JSON), not Hono's plain-text 500.
  const rethrow = (error: Error): never => {
    throw error;
  };
  const board = new Hono().route(QUEUE_BOARD_PATH, adapter.registerPlugin().onError(rethrow));
  return board.notFound((c) => fail(c, 404, `no such path: ${c.req.path}`)).onError(rethrow);
}

export function adminQueueRoutes(d: Pick<Deps, 'config' | 'ordersQueue' | 'log'>): Hono {
  const routes = new Hono();
  const token = d.config.ADMIN_TOKEN;
  if (!token) return routes;
  const board = loadBoard(d.ordersQueue);
  board.catch((error: Error) => d.log.error('queue dashboard failed to load', { error: error.message }));
  // `/*` covers QUEUE_BOARD_PATH itself too.
  routes.use(`${QUEUE_BOARD_PATH}/*`, adminAuth({ token }));
  routes.all(`${QUEUE_BOARD_PATH}/*`, async (c) => (await board).fetch(c.req.raw, c.env));
  return routes;
}
