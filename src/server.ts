/**
 * Serves the app on Node with @hono/node-server (`npm start`).
 */

import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { boot } from './boot.ts';
import { runNodePrimary } from './cluster.ts';
import { loadConfig } from './config.ts';
import { answerClientErrorsAsJson } from './http/client-errors.ts';
import { servingOf } from './http/serving-node.ts';
import { createLogger } from './log.ts';
import { exitOnSignals, exitWithParent, retryWhileAddressInUse } from './process.ts';
import { servesHere } from './server-processes.ts';

async function serveHere() {
  exitWithParent();
  const { app, config, log, shutdown, steps } = await boot(process.env);
  const server = await retryWhileAddressInUse(
    () =>
      new Promise<ReturnType<typeof serve>>((resolve, reject) => {
        const serverOptions = {
          headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS,
          requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
          // How often Node looks for connections past those timeouts (its default is 30 s).
          connectionsCheckingInterval: Math.min(1000, config.HTTP_HEADERS_TIMEOUT_MS),
        };
        const s = serve(
          { fetch: app.fetch, port: config.PORT, hostname: config.HOST, serverOptions },
          (info) => {
            log.info(`listening on http://${config.HOST}:${info.port}`, { runtime: 'node' });
            resolve(s);
          },
        );
        s.once('error', reject);
        answerClientErrorsAsJson(s as Server);
      }),
  );
  const serving = servingOf(server as Server);
  exitOnSignals(() => shutdown(serving), config.SHUTDOWN_GRACE_MS, steps);
}

try {
  const config = loadConfig(process.env);
  if (servesHere(config)) await serveHere();
  else await runNodePrimary(config, createLogger(config.LOG_LEVEL));
} catch (error) {
  process.stderr.write(`bookstore: ${(error as Error).message}\n`);
  process.exit(1);
}
