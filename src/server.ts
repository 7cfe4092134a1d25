/**
 * Serves the app on Node with @hono/node-server (`npm start`).
 */
import { serve } from '@hono/node-server';
import { boot } from './boot.ts';
import { runNodePrimary } from './cluster.ts';
import { loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { exitOnSignals, exitWithParent, retryWhileAddressInUse } from './process.ts';
import { servesHere } from './server-processes.ts';

async function serveHere() {
  exitWithParent();
  const { app, config, log, shutdown } = await boot(process.env);
  const server = await retryWhileAddressInUse(
    () =>
      new Promise<ReturnType<typeof serve>>((resolve, reject) => {
        const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
          log.info(`listening on http://${config.HOST}:${info.port}`, { runtime: 'node' });
          resolve(s);
        });
        s.once('error', reject);
      }),
  );
  exitOnSignals(shutdown, () => server.close());
}

try {
  const config = loadConfig(process.env);
  if (servesHere(config)) await serveHere();
  else await runNodePrimary(config, createLogger(config.LOG_LEVEL));
} catch (error) {
  process.stderr.write(`bookstore: ${(error as Error).message}\n`);
  process.exit(1);
}
