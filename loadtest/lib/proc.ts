/**
 * What Linux /proc tells about the bench's processes: the CPU the server (with the processes it
 * started: WEB_CONCURRENCY), Redis and the bench itself used during a phase (to tell which of them is
 * the limit), and a process's memory. Elsewhere the figures read as '-'.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fmt } from './common.ts';

let clockTicks = 100;
try {
  clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
} catch {
  // keep the usual 100
}

const readProc = (pid: number | undefined, file: string) => {
  try {
    return pid === undefined ? undefined : readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
};

/** stat(5)'s fields after the command: [0] is field 3 (state), [1] the parent, [11]/[12] utime/stime. */
const statFields = (pid: number | undefined) => {
  const stat = readProc(pid, 'stat');
  return stat === undefined ? undefined : stat.slice(stat.lastIndexOf(')') + 2).split(' ');
};

/** CPU seconds used so far by a process, or undefined where /proc cannot tell. */
function cpuSeconds(pid: number | undefined): number | undefined {
  const fields = statFields(pid);
  return fields === undefined ? undefined : (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** `pid` and every process below it (its children, theirs...), `pid` first; [] where /proc is missing. */
export function processTree(pid: number | undefined): number[] {
  if (pid === undefined || statFields(pid) === undefined) return [];
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const parent = Number(statFields(Number(name))?.[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i] as number) ?? []));
  return tree;
}

/**
 * How many processes of the same program as `pid` run in its tree (`pid` itself included): the
 * server processes of WEB_CONCURRENCY, not helpers such as tsx's esbuild service.
 */
export function sameProgram(pid: number | undefined): number {
  const name = (p: number | undefined) => readProc(p, 'comm')?.trim();
  const own = name(pid);
  return own === undefined ? 0 : processTree(pid).filter((p) => name(p) === own).length;
}

/** CPU seconds of a process and all the processes below it (those alive now). */
function treeCpuSeconds(pid: number | undefined): number | undefined {
  const tree = processTree(pid);
  return tree.length ? tree.reduce((sum, p) => sum + (cpuSeconds(p) ?? 0), 0) : undefined;
}

/** The processes to watch besides this one. */
export interface CpuPids {
  server?: number;
  redis?: number;
}

/** Percent of one core used by each process during a phase. */
export interface CpuShare {
  server: number;
  redis: number;
  bench: number;
}

function mark(pids: CpuPids) {
  const own = process.cpuUsage();
  const bench = (own.user + own.system) / 1e6;
  const server = treeCpuSeconds(pids.server);
  return { at: performance.now(), server, redis: cpuSeconds(pids.redis), bench };
}

/** Runs `run` and records in its result the CPU each process used meanwhile. */
export async function withCpu<T extends { cpu?: CpuShare }>(
  pids: CpuPids | undefined,
  run: () => Promise<T>,
) {
  if (!pids) return run();
  const from = mark(pids);
  const result = await run();
  const to = mark(pids);
  const wall = (to.at - from.at) / 1000;
  const pct = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || wall <= 0 ? Number.NaN : (100 * (b - a)) / wall;
  result.cpu = {
    server: pct(from.server, to.server),
    redis: pct(from.redis, to.redis),
    bench: pct(from.bench, to.bench),
  };
  return result;
}

/** A /proc/<pid>/status field in bytes (`VmRSS`, `VmHWM`: the peak), or undefined. */
export function memory(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readProc(pid, 'status') ?? '');
  return match ? Number(match[1]) * 1024 : undefined;
}

export const mb = (bytes: number | undefined) => (bytes === undefined ? '-' : `${fmt(bytes / 2 ** 20)} MB`);
