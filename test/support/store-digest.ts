/**
 * A digest of the store of record under one key prefix: every key with its value, so a test can show
 * a refused request changed nothing, and name the keys it changed when it did. One script per Redis
 * node reads every key under the prefix by type, in a canonical order (DUMP is not canonical: a hash
 * table's fields come out in bucket order, which a mere read can change by a step of incremental
 * rehashing), and answers each key with the SHA-1 of its value: one round trip, where reading the
 * keys from here took two round trips of a command per key. Keys containing `skip` are left out
 * (e.g. Idempotency-Key records, which keep a refused answer for its replay by design).
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisClient } from '../../src/redis/connect.ts';

// Elements are length-prefixed, so no value can pass for two. On a cluster node the keys SCAN finds
// are local but of many slots: hence the flag.
const DIGEST_KEYS = `#!lua flags=no-writes,allow-cross-slot-keys
local function joined(items)
  local parts = {}
  for i, item in ipairs(items) do parts[i] = #item .. ':' .. item end
  return table.concat(parts, ',')
end
local function pairsSorted(flat)
  local pairs = {}
  for i = 1, #flat, 2 do pairs[#pairs + 1] = #flat[i] .. ':' .. flat[i] .. '=' .. flat[i + 1] end
  table.sort(pairs)
  return joined(pairs)
end
local function content(key, kind)
  if kind == 'string' then return redis.call('GET', key) end
  if kind == 'hash' then return pairsSorted(redis.call('HGETALL', key)) end
  if kind == 'set' then
    local members = redis.call('SMEMBERS', key)
    table.sort(members)
    return joined(members)
  end
  if kind == 'zset' then return joined(redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')) end
  if kind == 'list' then return joined(redis.call('LRANGE', key, 0, -1)) end
  if kind == 'stream' then
    local entries = {}
    for i, entry in ipairs(redis.call('XRANGE', key, '-', '+')) do
      entries[i] = entry[1] .. '>' .. joined(entry[2])
    end
    return joined(entries)
  end
  return error('store digest: no reader for a ' .. kind .. ' (' .. key .. ')')
end
local out = {}
local cursor = '0'
repeat
  local page = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
  cursor = page[1]
  for _, key in ipairs(page[2]) do
    local kept = true
    for i = 2, #ARGV do
      if string.find(key, ARGV[i], 1, true) then kept = false end
    end
    if kept then
      local kind = redis.call('TYPE', key).ok
      out[#out + 1] = key
      out[#out + 1] = redis.sha1hex(kind .. '|' .. content(key, kind))
    end
  end
until cursor == '0'
return out
`;

export interface StoreSnapshot {
  digest: string;
  /** key -> SHA-1 of its type and value */
  values: Map<string, string>;
}

export async function storeSnapshot(
  redis: RedisClient,
  prefix: string,
  skip: string[] = [],
): Promise<StoreSnapshot> {
  const nodes: Redis[] =
    'nodes' in redis && typeof redis.nodes === 'function' ? redis.nodes('master') : [redis as Redis];
  const values = new Map<string, string>();
  for (const node of nodes) {
    const flat = (await node.eval(DIGEST_KEYS, 0, `${prefix}:*`, ...skip)) as string[];
    for (let i = 0; i < flat.length; i += 2) values.set(flat[i] as string, flat[i + 1] as string);
  }
  const all = createHash('sha256');
  for (const key of [...values.keys()].sort())
    all
      .update(key)
      .update('\0')
      .update(values.get(key) ?? '');
  return { digest: `${values.size}:${all.digest('hex')}`, values };
}

export const storeDigest = async (redis: RedisClient, prefix: string, skip?: string[]) =>
  (await storeSnapshot(redis, prefix, skip)).digest;

/** The keys added, removed or changed from `before` to `after`. */
export function changedKeys(before: StoreSnapshot, after: StoreSnapshot): string[] {
  const keys = new Set([...before.values.keys(), ...after.values.keys()]);
  return [...keys].filter((key) => before.values.get(key) !== after.values.get(key));
}
