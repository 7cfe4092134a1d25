/**
 * `WEB_CONCURRENCY` on Deno: each server process is the same deno binary running src/server.deno.ts
 * and listens on the port itself with SO_REUSEPORT (Linux spreads the connections over them;
 * `Deno.serve`'s `reusePort` still needs `--unstable-net` in Deno 2); src/server-processes.ts does
 * the rest. With PORT=0 the primary picks the free port they all use.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import { type PrimaryConfig, runPrimary } from './server-processes.ts';

const entry = fileURLToPath(new URL('./server.deno.ts', import.meta.url));

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function runDenoPrimary(config: PrimaryConfig & Pick<Config, 'PORT' | 'HOST'>, log: Logger) {
  const port = String(config.PORT || (await freePort(config.HOST)));
  await runPrimary(config, log, (env) => {
    const child = spawn(process.execPath, ['run', '-A', '--unstable-net', entry], {
      env: { ...process.env, ...env, PORT: port },
      stdio: 'inherit',
    });
    return {
      kill: (signal) => child.kill(signal),
      onExit: (listener) => child.once('exit', listener),
    };
  });
}
