/**
 * Serves the same app on Deno (`npm run start:deno`) with `Deno.serve(app.fetch)`; with
 * WEB_CONCURRENCY above 1, as one of the processes that src/cluster.deno.ts starts, all on one port.
 */
import process from 'node:process';
import { boot } from './boot.ts';
import { runDenoPrimary } from './cluster.deno.ts';
import { loadConfig } from './config.ts';
import { denoServing } from './http/serving-deno.ts';
import { createLogger } from './log.ts';
import { exitOnSignals, exitWithParent, retryWhileAddressInUse } from './process.ts';
import { servesHere } from './server-processes.ts';

declare const Deno: {
  serve(
    options: {
      port: number;
      hostname: string;
      reusePort?: boolean;
      onListen?: (addr: { port: number }) => void;
    },
    handler: (request: Request) => Response | Promise<Response>,
  ): { shutdown(): Promise<void> };
};

async function serveHere() {
  exitWithParent();
  const { app, config, log, shutdown, steps } = await boot(process.env);
  const { handle, servingOf } = denoServing(app.fetch);
  const server = await retryWhileAddressInUse(async () =>
    Deno.serve(
      {
        port: config.PORT,
        hostname: config.HOST,
        // Only the processes of a primary share the port: a lone server still refuses a taken one.
        reusePort: config.WEB_CONCURRENCY > 1,
        onListen: (addr) => log.info(`listening on http://${config.HOST}:${addr.port}`, { runtime: 'deno' }),
      },
      handle,
    ),
  );
  exitOnSignals(() => shutdown(servingOf(server)), config.SHUTDOWN_GRACE_MS, steps);
}

try {
  const config = loadConfig(process.env);
  if (servesHere(config)) await serveHere();
  else await runDenoPrimary(config, createLogger(config.LOG_LEVEL));
} catch (error) {
  process.stderr.write(`bookstore: ${(error as Error).message}\n`);
  process.exit(1);
}
