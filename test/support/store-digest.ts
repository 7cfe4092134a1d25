/**
 * A digest of the store of record under one key prefix: every key with its serialized value (DUMP),
 * so a test can show a refused request changed nothing. Keys matching `skip` are left out (e.g.
 * Idempotency-Key records, which keep a refused answer for its replay by design).
 */
import { createHash } from 'node:crypto';
import type { RedisClient } from '../../src/redis/connect.ts';
import { scanKeys } from '../../src/redis/scan.ts';

export async function storeDigest(redis: RedisClient, prefix: string, skip?: RegExp): Promise<string> {
  const keys = (await scanKeys(redis, `${prefix}:*`)).filter((key) => !skip?.test(key)).sort();
  // Issued together: ioredis writes them at once (one round trip on a single node).
  const values = await Promise.all(keys.map((key) => redis.dumpBuffer(key)));
  const hash = createHash('sha256');
  keys.forEach((key, i) => {
    hash
      .update(key)
      .update('\0')
      .update(values[i] ?? 'gone')
      .update('\0');
  });
  return `${keys.length}:${hash.digest('hex')}`;
}
