/**
 * SCAN over the whole key space: on a Redis Cluster, over every master (each holds part of it).
 */
import type { RedisClient } from './connect.ts';

export async function scanKeys(redis: RedisClient, pattern: string): Promise<string[]> {
  const nodes = 'nodes' in redis && typeof redis.nodes === 'function' ? redis.nodes('master') : [redis];
  // Scanning no node at all (a Cluster client that knows no master) would report an empty key space.
  if (nodes.length === 0) throw new Error('Redis Cluster: no master node known, cannot scan the key space');
  const found: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
  }
  return found;
}
