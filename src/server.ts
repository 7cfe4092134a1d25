/**
 * Serves the app on Node with @hono/node-server (`npm start`).
 */
import { serve } from '@hono/node-server';
import { boot, exitOnSignals } from './boot.ts';

try {
  const { app, config, log, shutdown } = await boot(process.env);
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) =>
    log.info(`listening on http://${config.HOST}:${info.port}`, { runtime: 'node' }),
  );
  exitOnSignals(shutdown, () => server.close());
} catch (error) {
  process.stderr.write(`bookstore: ${(error as Error).message}\n`);
  process.exit(1);
}
