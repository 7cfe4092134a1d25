/**
 * The revisions a bench compares: this checkout as it is on disk ("current": HEAD plus whatever is
 * not committed), and optionally a base revision checked out into a temporary git worktree (under
 * the system's temporary directory, removed at the end and on Ctrl-C). The base gets node_modules as
 * a symlink to this checkout's when both package-lock.json files are identical, else its own
 * `npm ci --no-audit --no-fund`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  unlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { untilDone } from './cleanup.ts';
import { fmt, log } from './common.ts';
import { ROOT } from './server.ts';

export interface Revision {
  /** 'base' or 'current' */
  role: 'base' | 'current';
  /** e.g. `8bd85ba`, `ca62c35+changes` */
  label: string;
  /** the checkout the server runs from */
  root: string;
  /** removes a temporary worktree (nothing for the current checkout) */
  remove(): Promise<void>;
}

const git = (...args: string[]) => execFileSync('git', ['-C', ROOT, ...args], { encoding: 'utf8' }).trim();

export function currentRevision(): Revision {
  let label = 'current';
  try {
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    label = `${git('rev-parse', '--short', 'HEAD')}${dirty ? '+changes' : ''}`;
  } catch {
    // not a git checkout: keep the plain label
  }
  return { role: 'current', label, root: ROOT, remove: async () => {} };
}

/** Checks out `rev` into a temporary worktree with node_modules; throws when it cannot. */
export function baseRevision(rev: string): Revision {
  const commit = git('rev-parse', '--verify', '--quiet', `${rev}^{commit}`);
  const short = git('rev-parse', '--short', commit);
  const parent = mkdtempSync(join(tmpdir(), 'bench-base-'));
  const dir = join(parent, short);
  const t0 = Date.now();
  let added = false;
  const remove = async () => {
    const modules = join(dir, 'node_modules');
    if (existsSync(modules) && lstatSync(modules).isSymbolicLink()) unlinkSync(modules);
    if (added) spawnSync('git', ['-C', ROOT, 'worktree', 'remove', '--force', dir], { stdio: 'ignore' });
    rmSync(parent, { recursive: true, force: true });
    done();
  };
  const done = untilDone(`the worktree of ${short}`, remove);
  try {
    git('worktree', 'add', '--detach', '--quiet', dir, commit);
    added = true;
    const lock = (root: string) => readFileSync(join(root, 'package-lock.json'), 'utf8');
    const same = lock(ROOT) === lock(dir);
    if (same) symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(dir, 'node_modules'), 'dir');
    else
      execFileSync('npm', ['ci', '--no-audit', '--no-fund'], {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    log(
      `base ${short} (${rev}): worktree ready in ${fmt((Date.now() - t0) / 1000, 1)} s, node_modules ${same ? 'linked (same package-lock.json)' : 'from npm ci'}`,
    );
  } catch (error) {
    void remove();
    throw error;
  }
  return { role: 'base', label: short, root: dir, remove };
}
