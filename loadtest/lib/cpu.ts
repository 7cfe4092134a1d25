/**
 * CPU used per phase by the server, Redis and the bench itself (Linux /proc), to tell whether the
 * server, Redis or the load generator is the limit. Elsewhere the figures read as '-'.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let clockTicks = 100;
try {
  clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
} catch {
  // keep the usual 100
}

/** CPU seconds used so far by a process, or undefined where /proc cannot tell. */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state is field 3 of stat(5), utime 14 and stime 15.
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return undefined;
  }
}

/** The processes to watch besides this one. */
export interface CpuPids {
  server?: number;
  redis?: number;
}

export interface CpuMark {
  at: number;
  server: number | undefined;
  redis: number | undefined;
  bench: number;
}

export interface CpuShare {
  server: number;
  redis: number;
  bench: number;
}

export function cpuMark(pids: CpuPids): CpuMark {
  const own = process.cpuUsage();
  return {
    at: performance.now(),
    server: cpuSeconds(pids.server),
    redis: cpuSeconds(pids.redis),
    bench: (own.user + own.system) / 1e6,
  };
}

/** Percent of one core used by each process between two marks. */
export function cpuShare(from: CpuMark, to: CpuMark): CpuShare {
  const wall = (to.at - from.at) / 1000;
  const pct = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || wall <= 0 ? Number.NaN : (100 * (b - a)) / wall;
  return {
    server: pct(from.server, to.server),
    redis: pct(from.redis, to.redis),
    bench: pct(from.bench, to.bench),
  };
}
