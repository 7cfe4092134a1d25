/**
 * Starts the real server as a child process, on Node (@hono/node-server) or on Deno, on a free
 * loopback port against the run's Redis under its own key prefix, and waits until /healthz answers
 * (60 s unless `readyTimeoutMs` says otherwise: a server rebuilding a large search index answers late).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Runtime = 'node' | 'deno';

/** This checkout. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The deno binary as scripts/start.sh picks it: the platform binary, else the package's launcher. */
function denoBinary(root: string): string {
  const candidates = ['@deno/linux-x64-glibc/deno', '@deno/linux-arm64-glibc/deno', 'deno/deno'];
  const found = candidates.map((c) => join(root, 'node_modules', c)).find((path) => existsSync(path));
  return found ?? join(root, 'node_modules/.bin/deno');
}

/** SERVER_CPU_PROF=<dir>: each Node server process writes a V8 CPU profile there when it exits. */
function profileArgs(): string[] {
  const dir = process.env.SERVER_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

function serverCommand(runtime: Runtime, root: string, entry?: string): [string, string[]] {
  return runtime === 'node'
    ? [process.execPath, [...profileArgs(), '--import', 'tsx', entry ?? 'src/server.ts']]
    : [denoBinary(root), ['run', '-A', entry ?? 'src/server.deno.ts']];
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  baseUrl: string;
  port: number;
  child: ChildProcess;
  output(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** Sends a signal (e.g. SIGKILL) and waits for exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

export async function startServer(
  runtime: Runtime,
  env: Record<string, string | undefined>,
  port?: number,
  readyTimeoutMs = 60_000,
  /** the checkout to run: this one, or a worktree of another revision (the benchmarks) */
  root = ROOT,
  /** another entry than the runtime's server, e.g. test/support/held-server.ts */
  entry?: string,
): Promise<ServerProcess> {
  const listenPort = port || (await freePort());
  const [command, args] = serverCommand(runtime, root, entry);
  // Pictures and the embedded Redis go to a temporary DATA_DIR unless the test names one.
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'bookstore-server-'));
  const merged: Record<string, string | undefined> = {
    ...process.env,
    LOG_LEVEL: 'warn',
    ...env,
    DATA_DIR: dataDir,
  };
  // A variable given as undefined is removed, not passed as the string "undefined".
  const childEnv = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
  const child = spawn(command, args, {
    cwd: root,
    env: { ...childEnv, PORT: String(listenPort), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${listenPort}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${runtime} server exited early:\n${output}`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `${runtime} server did not answer /healthz within ${Math.round(readyTimeoutMs / 1000)} s:\n${output}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    // A server that does not finish its shutdown in 20 s is killed, and the test says so.
    const late = setTimeout(() => {
      output += `\n[test] ${runtime} server still running 20 s after ${signal}: SIGKILL\n`;
      child.kill('SIGKILL');
    }, 20_000);
    await exited;
    clearTimeout(late);
  };
  return { baseUrl, port: listenPort, child, output: () => output, stop: () => kill('SIGTERM'), kill };
}
