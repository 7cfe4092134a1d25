/**
 * What a redis-server says about its own work: CPU (`INFO cpu`: used_cpu_user + used_cpu_sys, the
 * whole process), commands (`INFO commandstats`: calls and µs per command), memory (`INFO memory`:
 * used_memory) and keys (DBSIZE). Two readings around a phase give the work per checkout pair, or
 * the memory per order. Commands run by a script (`redis.call`) count on their own line as well as
 * inside the EVALSHA that ran them (its µs include theirs), so the calls add up to more than the
 * round trips the server made. The bench's own INFO and DBSIZE calls are left out.
 */
import type { Redis } from 'ioredis';
import { fmt } from './common.ts';

export interface RedisReading {
  /** seconds of CPU since the redis-server started */
  cpu: number;
  commands: Map<string, { calls: number; usec: number }>;
  usedMemory: number;
  keys: number;
  /** read and write events Redis handled (INFO stats): how well the client's commands are batched */
  reads: number;
  writes: number;
}

const OWN = new Set(['info', 'dbsize']);

/** `field:value` lines of an INFO section. */
function fields(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) map.set(line.slice(0, i), line.slice(i + 1));
  }
  return map;
}

export async function readRedis(redis: Redis): Promise<RedisReading> {
  const [cpu, stats, memory, keys, io] = await Promise.all([
    redis.info('cpu'),
    redis.info('commandstats'),
    redis.info('memory'),
    redis.dbsize(),
    redis.info('stats'),
  ]);
  const c = fields(cpu);
  const events = fields(io);
  const commands = new Map<string, { calls: number; usec: number }>();
  for (const [key, value] of fields(stats)) {
    const name = key.replace(/^cmdstat_/, '');
    if (OWN.has(name)) continue;
    const calls = Number(/calls=(\d+)/.exec(value)?.[1] ?? 0);
    const usec = Number(/usec=(\d+)/.exec(value)?.[1] ?? 0);
    commands.set(name, { calls, usec });
  }
  return {
    cpu: Number(c.get('used_cpu_user') ?? Number.NaN) + Number(c.get('used_cpu_sys') ?? Number.NaN),
    commands,
    usedMemory: Number(fields(memory).get('used_memory') ?? Number.NaN),
    keys,
    reads: Number(events.get('total_reads_processed') ?? Number.NaN),
    writes: Number(events.get('total_writes_processed') ?? Number.NaN),
  };
}

/** Redis's work between two readings, per checkout pair. */
export interface RedisWork {
  pairs: number;
  cpuUs: number;
  evalsha: number;
  /** every command counted by commandstats (script calls included, see above) */
  commands: number;
  /** read and write events per pair (fewer than the round trips: commands batched per event) */
  reads: number;
  writes: number;
  /** per pair, µs share of Redis's CPU; highest µs first */
  top: { name: string; calls: number; usec: number; share: number }[];
}

/** Adds up several intervals (rounds) of one Redis: `from`/`to` readings and the pairs in between. */
export function redisWork(
  intervals: readonly { from: RedisReading; to: RedisReading; pairs: number }[],
): RedisWork {
  const pairs = intervals.reduce((sum, i) => sum + i.pairs, 0) || Number.NaN;
  const cpu = intervals.reduce((sum, i) => sum + (i.to.cpu - i.from.cpu), 0) * 1e6;
  const events = (k: 'reads' | 'writes') =>
    intervals.reduce((sum, i) => sum + (i.to[k] - i.from[k]), 0) / pairs;
  const delta = new Map<string, { calls: number; usec: number }>();
  for (const { from, to } of intervals)
    for (const [name, after] of to.commands) {
      const before = from.commands.get(name) ?? { calls: 0, usec: 0 };
      const d = delta.get(name) ?? { calls: 0, usec: 0 };
      delta.set(name, {
        calls: d.calls + after.calls - before.calls,
        usec: d.usec + after.usec - before.usec,
      });
    }
  const rows = [...delta].filter(([, d]) => d.calls > 0);
  const top = rows
    .map(([name, d]) => ({ name, calls: d.calls / pairs, usec: d.usec / pairs, share: d.usec / cpu }))
    .sort((a, b) => b.usec - a.usec);
  return {
    pairs,
    cpuUs: cpu / pairs,
    evalsha: (delta.get('evalsha')?.calls ?? 0) / pairs,
    commands: rows.reduce((sum, [, d]) => sum + d.calls, 0) / pairs,
    reads: events('reads'),
    writes: events('writes'),
    top,
  };
}

/** `evalsha 5.0 calls 180 µs 62%  hget ...`: the first `n` commands by µs. */
export const topLine = (w: RedisWork, n = 6) =>
  w.top
    .slice(0, n)
    .map((t) => `${t.name} ${fmt(t.calls, 1)}x ${fmt(t.usec, 0)} µs ${fmt(100 * t.share, 0)}%`)
    .join('   ');
