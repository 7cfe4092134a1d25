/**
 * Starts the real server for a bench: test/support/server-process.ts's `startServer` (the same child
 * the tests start, from this checkout or a worktree of another revision, on Node or Deno), and with
 * WEB_CONCURRENCY above 1 waits until every process has said it listens (or it is clear that this
 * revision or runtime runs one process only).
 */
import type { ChildProcess } from 'node:child_process';
import {
  type Runtime,
  type ServerProcess,
  startServer as startChild,
} from '../../test/support/server-process.ts';
import { sleep } from './common.ts';
import { sameProgram } from './proc.ts';

export { ROOT } from '../../test/support/server-process.ts';
export type { Runtime, ServerProcess };

export interface ServerOptions {
  root?: string;
  runtime?: Runtime;
  /** the server's environment besides PORT and HOST (LOG_LEVEL: warn, info with WEB_CONCURRENCY > 1) */
  env: Record<string, string | undefined>;
  port?: number;
  readyTimeoutMs?: number;
}

export async function startServer(o: ServerOptions): Promise<ServerProcess> {
  const processes = Number(o.env.WEB_CONCURRENCY ?? 1);
  const readyTimeoutMs = o.readyTimeoutMs ?? 60_000;
  const deadline = Date.now() + readyTimeoutMs;
  // Each process logs `listening on` at level info: the way to know that all of them serve.
  const env = { LOG_LEVEL: processes > 1 ? 'info' : 'warn', ...o.env };
  const server = await startChild(o.runtime ?? 'node', env, o.port, readyTimeoutMs, o.root);
  if (processes > 1) await allListening(server.child, server.output, processes, deadline);
  return server;
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
