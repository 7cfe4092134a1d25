/**
 * Process life of the service's entry points (the server on Node and Deno, the worker process, the
 * WEB_CONCURRENCY primary): die with the parent npm, retry a port that is still held, shut down once
 * on a signal within a grace period, naming the steps of a shutdown that overruns it.
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

/** A runtime's server as a shutdown sees it: stop accepting, then resolve once every answer is sent. */
export interface Serving {
  stop(): Promise<void>;
  inFlight(): number;
}

/**
 * The steps of a shutdown under way, for the message of one that does not finish in its grace
 * period: each step is named while it runs (a name may be a function, to say how much is left).
 */
export class ShutdownSteps {
  private readonly running = new Set<() => string>();
  private started = false;

  async run<T>(name: string | (() => string), work: () => Promise<T>): Promise<T> {
    const describe = typeof name === 'string' ? () => name : name;
    this.started = true;
    this.running.add(describe);
    try {
      return await work();
    } finally {
      this.running.delete(describe);
    }
  }

  /** The steps running now, e.g. `answering the requests in flight (2); finishing the order jobs running (1)`. */
  describe(): string {
    if (this.running.size === 0) return this.started ? 'between steps' : 'not started';
    return [...this.running].map((describe) => describe()).join('; ');
  }
}

/**
 * Runs `shutdown` on the first SIGINT or SIGTERM, then exits: 0 once it is done, 1 when it failed
 * or did not finish within `graceMs` (the message names the steps still running, from `steps`).
 * A repeated signal is ignored: `npm start` under a terminal delivers Ctrl-C twice (the terminal
 * signals the whole process group, and npm forwards its own), and the first is already being
 * honoured. The listeners stay registered: with none left (`process.once`), the next signal would
 * have its default action again on Node and on Deno, and end the process at once.
 */
export function exitOnSignals(shutdown: () => Promise<unknown>, graceMs: number, steps: ShutdownSteps): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Not unref'd: a shutdown stuck on a promise that nothing will settle must still end here.
    setTimeout(() => {
      process.stderr.write(
        `shutdown after ${signal} took over ${graceMs} ms (at: ${steps.describe()}); exiting\n`,
      );
      process.exit(1);
    }, graceMs);
    shutdown().then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`shutdown after ${signal} failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
