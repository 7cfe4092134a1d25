/**
 * The order workers as their own process (`node --import tsx workers/index.ts`, what `npm run worker`
 * runs, or another entry such as test/support/held-worker.ts), with the given environment. Resolves
 * once the worker logged that it runs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** Sends a signal (e.g. SIGKILL) and waits for exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

export async function startWorker(
  env: Record<string, string | undefined>,
  entry = 'workers/index.ts',
): Promise<WorkerProcess> {
  // LOG_LEVEL info: the worker says 'order worker running' once its Worker is created.
  const merged: Record<string, string | undefined> = { ...process.env, ...env, LOG_LEVEL: 'info' };
  const childEnv = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  const deadline = Date.now() + 60_000;
  while (!output.includes('order worker running')) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`worker exited early:\n${output}`);
    if (Date.now() > deadline) {
      await kill('SIGKILL');
      throw new Error(`worker did not start within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { child, output: () => output, stop: () => kill('SIGTERM'), kill };
}
