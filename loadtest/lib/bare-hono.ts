/**
 * The floor of the Node HTTP layer for bench:http: a bare Hono app on @hono/node-server answering
 * `GET /healthz` with the service's JSON, on 127.0.0.1:$PORT. Nothing else runs in it.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono().get('/healthz', (c) => c.json({ code: 200, message: 'ok' }));
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }, () =>
  process.stdout.write('listening\n'),
);
