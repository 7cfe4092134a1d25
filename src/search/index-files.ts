/**
 * Where a process's search index lives: one SQLite file per process under `<DATA_DIR>/search`, in
 * slots (`index-<n>.sqlite`), so several processes may share one DATA_DIR. A file is locked by the
 * process that holds it; one that SQLite cannot read is derived data, and is replaced.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BookIndex } from './book-index.ts';
import { isBusy } from './sqlite.ts';

/** Processes that may share one DATA_DIR, each with an index file of its own. */
export const SLOTS = 32;

/**
 * The first index file under `dir` no live process holds (in memory when `dir` is empty); with
 * `slots: 1` only the first file (the one a lone server uses), throwing SQLITE_BUSY when it is held.
 */
export function openIndex(dir: string, slots = SLOTS): BookIndex {
  if (!dir) return new BookIndex();
  const folder = join(dir, 'search');
  mkdirSync(folder, { recursive: true });
  for (let slot = 0; slot < slots; slot++) {
    const file = join(folder, `index-${slot}.sqlite`);
    try {
      return new BookIndex(file);
    } catch (error) {
      if (isBusy(error)) {
        if (slots === 1) throw error;
        continue;
      }
      // A file SQLite cannot read (cut short by a power failure, say): the index is derived data,
      // so it starts afresh and the start-up check fills it from Redis.
      for (const part of ['', '-wal', '-shm']) rmSync(`${file}${part}`, { force: true });
      return new BookIndex(file);
    }
  }
  throw new Error(`all ${slots} search index files under ${folder} are in use`);
}
