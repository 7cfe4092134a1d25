/**
 * Starts the real server as a child process from a given checkout (`root`: this one, or a worktree
 * of another revision), on Node (`node --import tsx src/server.ts`, as test/support/server-process.ts
 * and `npm start` do) or on Deno (the deno binary of that checkout's node_modules running
 * src/server.deno.ts, as `npm run start:deno` does), on 127.0.0.1 and the given or a free port, and
 * waits until /healthz answers and, with WEB_CONCURRENCY above 1, until every process has said it
 * listens (or it is clear that this revision or runtime runs one process only).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/support/server-process.ts';
import { sleep } from './common.ts';
import { sameProgram } from './proc.ts';

export type Runtime = 'node' | 'deno';

/** This checkout. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ServerProcess {
  baseUrl: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM, SIGKILL after 20 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/** The deno binary as scripts/start.sh picks it: the platform binary, else the package's launcher. */
function denoBinary(root: string): string {
  const candidates = ['@deno/linux-x64-glibc/deno', '@deno/linux-arm64-glibc/deno', 'deno/deno'];
  const found = candidates.map((c) => join(root, 'node_modules', c)).find((path) => existsSync(path));
  return found ?? join(root, 'node_modules/.bin/deno');
}

export function serverCommand(runtime: Runtime, root: string): [string, string[]] {
  return runtime === 'node'
    ? [process.execPath, ['--import', 'tsx', 'src/server.ts']]
    : [denoBinary(root), ['run', '-A', 'src/server.deno.ts']];
}

export interface ServerOptions {
  root?: string;
  runtime?: Runtime;
  /** the server's environment besides PORT and HOST (LOG_LEVEL: warn, info with WEB_CONCURRENCY > 1) */
  env: Record<string, string | undefined>;
  port?: number;
  readyTimeoutMs?: number;
}

export async function startServer(o: ServerOptions): Promise<ServerProcess> {
  const root = o.root ?? ROOT;
  const runtime = o.runtime ?? 'node';
  const port = o.port || (await freePort());
  const processes = Number(o.env.WEB_CONCURRENCY ?? 1);
  // Each process logs `listening on` at level info: the way to know that all of them serve.
  const level = processes > 1 ? 'info' : 'warn';
  const merged: Record<string, string | undefined> = { ...process.env, LOG_LEVEL: level, ...o.env };
  const env = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
  const [command, args] = serverCommand(runtime, root);
  const child = spawn(command, args, {
    cwd: root,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const late = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(late);
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (o.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${runtime} server exited early:\n${output}`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${runtime} server did not answer /healthz in time:\n${output}`);
    }
    await sleep(100);
  }
  if (processes > 1) await allListening(child, () => output, processes, deadline);
  return { baseUrl, child, output: () => output, stop };
}

/** Until `processes` processes said they listen; sooner when, 2 s on, the server is still one process. */
async function allListening(child: ChildProcess, output: () => string, processes: number, deadline: number) {
  const since = Date.now();
  while (Date.now() < deadline) {
    if ((output().match(/listening on/g) ?? []).length >= processes) return;
    if (Date.now() - since > 2000 && sameProgram(child.pid) <= 1) return;
    await sleep(100);
  }
}
