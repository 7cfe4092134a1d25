/**
 * Serves the same app on Deno (`npm run start:deno`) with `Deno.serve(app.fetch)`.
 */
import process from 'node:process';
import { boot } from './boot.ts';
import { exitOnSignals, exitWithParent, retryWhileAddressInUse } from './process.ts';

declare const Deno: {
  serve(
    options: { port: number; hostname: string; onListen?: (addr: { port: number }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { shutdown(): Promise<void> };
};

try {
  exitWithParent();
  const { app, config, log, shutdown } = await boot(process.env);
  const server = await retryWhileAddressInUse(async () =>
    Deno.serve(
      {
        port: config.PORT,
        hostname: config.HOST,
        onListen: (addr) => log.info(`listening on http://${config.HOST}:${addr.port}`, { runtime: 'deno' }),
      },
      app.fetch,
    ),
  );
  exitOnSignals(shutdown, () => void server.shutdown());
} catch (error) {
  process.stderr.write(`bookstore: ${(error as Error).message}\n`);
  process.exit(1);
}
