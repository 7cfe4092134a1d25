/**
 * Process life of the service's entry points (the server on Node and Deno, the worker process): die
 * with the parent npm, retry a port that is still held, shut down once on a signal.
 */
/**
 * Under `npm start` the server is a child of npm. When npm itself is killed (SIGKILL cannot be
 * forwarded), the server dies with it, as a crash would, instead of living on as an orphan that
 * holds the port. scripts/start.sh names the process to watch (npm) in BOOKSTORE_WATCH_PID.
 */
export function exitWithParent(): void {
  const watched = Number(process.env.BOOKSTORE_WATCH_PID);
  if (!Number.isInteger(watched) || watched <= 1 || process.ppid !== watched) return;
  // An orphan is re-parented as soon as its parent exits, so a changed ppid means npm is gone.
  const timer = setInterval(() => {
    if (process.ppid !== watched) process.kill(process.pid, 'SIGKILL');
  }, 200);
  timer.unref?.();
}

/** Retries `listen` while the port is still held (e.g. by a server that is just dying). */
export async function retryWhileAddressInUse<T>(listen: () => Promise<T>, attempts = 40): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await listen();
    } catch (error) {
      const code = (error as { code?: string; name?: string }).code ?? (error as { name?: string }).name;
      if ((code !== 'EADDRINUSE' && code !== 'AddrInUse') || i >= attempts) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** How long a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

/** Runs `shutdown` once on SIGINT/SIGTERM, then exits (at the latest after SHUTDOWN_GRACE_MS). */
export function exitOnSignals(
  shutdown: () => Promise<unknown>,
  before?: () => void,
  step: () => string = () => 'unknown',
): void {
  const stop = (signal: string) => {
    setTimeout(() => {
      process.stderr.write(
        `shutdown after ${signal} took over ${SHUTDOWN_GRACE_MS} ms (at: ${step()}); exiting\n`,
      );
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref?.();
    before?.();
    shutdown()
      .catch((error) => process.stderr.write(`shutdown after ${signal} failed: ${String(error)}\n`))
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
