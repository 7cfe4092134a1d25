/**
 * What Linux /proc tells about the bench's processes: the CPU the server, Redis and the bench itself
 * used during a phase (to tell which of them is the limit), and a process's memory. Elsewhere the
 * figures read as '-'.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

/** CPU seconds used so far by a process, or undefined where /proc cannot tell. */
function cpuSeconds(pid: number | undefined): number | undefined {
  const stat = readProc(pid, 'stat');
  if (stat === undefined) return undefined;
  // After the command: state is field 3 of stat(5), utime 14 and stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
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
  return { at: performance.now(), server: cpuSeconds(pids.server), redis: cpuSeconds(pids.redis), bench };
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
