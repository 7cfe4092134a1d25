/**
 * What a bench must undo even when it is interrupted: its children (servers, redis-servers) and
 * temporary things (a git worktree). Each is registered while it exists; on Ctrl-C or SIGTERM all of
 * them run, the latest first, and then the process exits with 130. One handler for all of them, so
 * an interrupted bench with several stacks open leaves none of them behind.
 */
import { log } from './common.ts';

const pending: { label: string; undo: () => Promise<void> }[] = [];
let stopping = false;

/**
 * Runs every undo once; a second signal while they run (Ctrl-C pressed again, or the one tsx relays
 * to its child) is ignored rather than ending the process half-way.
 */
async function onSignal(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  log(`\n${signal}: stopping ${pending.map((p) => p.label).join(', ') || 'nothing'}`);
  for (const p of [...pending].reverse()) await p.undo().catch(() => {});
  process.exit(130);
}

/** Registers `undo`; the returned function unregisters it (call it once `undo` has run). */
export function untilDone(label: string, undo: () => Promise<void>): () => void {
  if (pending.length === 0) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  const entry = { label, undo };
  pending.push(entry);
  return () => {
    const i = pending.indexOf(entry);
    if (i >= 0) pending.splice(i, 1);
    if (pending.length === 0 && !stopping) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  };
}
