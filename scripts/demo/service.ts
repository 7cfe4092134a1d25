/**
 * The demo's service, started exactly as `npm start` (`npm run start:deno`) starts it: through
 * `sh scripts/start.sh` (`start.sh deno`), with the embedded Redis unless REDIS_URL or
 * REDIS_CLUSTER_NODES is set. start.sh's preparation has run just before, for the demo itself, so
 * here it finds everything in place. The server is the demo's child in a process group of its own,
 * so a Ctrl-C reaches it once, as the demo's SIGTERM, never twice; start.sh names the demo as the
 * parent it dies with (BOOKSTORE_WATCH_PID). Its log goes to the demo's stderr, keeping stdout for
 * what the demo prints.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface Service {
  child: ChildProcess;
  /** the server's exit code (null when a signal killed it) */
  exited: Promise<number | null>;
}

/** Throws, saying what to do, when something already listens on the port. */
export function ensurePortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `port ${port} is in use (another server?); run the demo on another one, e.g. PORT=5001 npm run demo`
            : `cannot listen on ${host}:${port}: ${error.message}`,
        ),
      ),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

export type Runtime = 'node' | 'deno';

export function startService(
  root: string,
  runtime: Runtime,
  env: Record<string, string | undefined>,
): Service {
  const child = spawn('sh', ['scripts/start.sh', ...(runtime === 'deno' ? ['deno'] : [])], {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', process.stderr, process.stderr],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited };
}

/** Waits until /readyz answers 200 with the search index built; throws if the server exits first. */
export async function waitUntilReady(base: string, service: Service, timeoutMs = 300_000): Promise<void> {
  let gone = false;
  void service.exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (gone) throw new Error('the service exited before it was ready (its log is above)');
    try {
      const response = await fetch(`${base}/readyz`);
      const body = (await response.json()) as { search_index?: string };
      if (response.ok && body.search_index === 'ready') return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the service was not ready within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
