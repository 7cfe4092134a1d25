/**
 * Keys are built and parsed only in src/redis/keys.ts: every parser gives back the ids its builder
 * was given, whatever characters a client put in them, and refuses keys of another shape; the SCAN
 * patterns find exactly the keys of a crafted store on the real Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, type RedisConnection } from '../src/redis/connect.ts';
import { keySpace } from '../src/redis/keys.ts';
import { scanKeys } from '../src/redis/scan.ts';
import { redisEnv, uniquePrefix } from './support/harness.ts';

/** Ids a client could send: hash-tag braces, the separator, the escape, glob syntax, non-ASCII. */
const crafted = [
  'plain',
  '',
  '{u:other}',
  '}:order:{',
  'a:b:c',
  '%7B%',
  '%25',
  '*',
  '?x[ab]\\',
  '書店-ÿ-🙂',
  'Ω{%}:*?',
];

describe('key parsers', () => {
  const keys = keySpace('p{x}:*');

  it('round-trips order keys for every pair of crafted buyer and order ids', () => {
    for (const buyer of crafted)
      for (const orderId of crafted)
        expect(keys.parseOrderKey(keys.order(buyer, orderId))).toEqual({ buyer, orderId });
  });

  it('round-trips store, books and reservation keys for every crafted store and order id', () => {
    for (const store of crafted) {
      expect(keys.parseStoreKey(keys.store(store))).toBe(store);
      expect(keys.parseBooksKey(keys.books(store))).toBe(store);
      for (const orderId of crafted)
        expect(keys.parseReservationKey(keys.reservation(store, orderId))).toEqual({ store, orderId });
    }
  });

  it('refuses keys of another shape or another prefix', () => {
    const other = keySpace('p{x}:?');
    expect(keys.parseOrderKey(keys.user('a'))).toBeUndefined();
    expect(keys.parseOrderKey(keys.idempotency('a', 'order'))).toBeUndefined();
    expect(keys.parseOrderKey(other.order('a', 'b'))).toBeUndefined();
    expect(keys.parseOrderKey(`${keys.order('a', 'b')}:x`)).toBeUndefined();
    expect(keys.parseStoreKey(keys.stock('s'))).toBeUndefined();
    expect(keys.parseStoreKey(other.store('s'))).toBeUndefined();
    expect(keys.parseBooksKey(keys.catalogueBooks())).toBeUndefined();
    expect(keys.parseReservationKey(keys.storeOrders('s'))).toBeUndefined();
    expect(keys.parseReservationKey(keys.order('s', 'o'))).toBeUndefined();
  });

  it('never builds the same key for two different ids', () => {
    const built = new Set(crafted.flatMap((a) => crafted.map((b) => keys.order(a, b))));
    expect(built.size).toBe(crafted.length ** 2);
  });
});

describe('key patterns on the real Redis', () => {
  let redis: RedisConnection;
  const keys = keySpace(uniquePrefix());
  beforeAll(async () => {
    redis = await connectRedis(
      { ...redisEnv(), DATA_DIR: '' },
      () => {},
      () => {},
    );
  });
  afterAll(() => redis.close());

  it('finds each crafted store and only its own reservations, and parses them back', async () => {
    for (const store of crafted) {
      await redis.client.hset(keys.store(store), 'owner', 'o');
      for (const orderId of crafted)
        await redis.client.hset(keys.reservation(store, orderId), 'state', 'held');
    }
    const stores = await scanKeys(redis.client, keys.patterns.stores);
    expect(stores.map((key) => keys.parseStoreKey(key)).sort()).toEqual([...crafted].sort());
    for (const store of crafted) {
      const found = await scanKeys(redis.client, keys.patterns.reservations(store));
      const parsed = found.map((key) => keys.parseReservationKey(key));
      expect(parsed.map((p) => p?.store)).toEqual(crafted.map(() => store));
      expect(parsed.map((p) => p?.orderId).sort()).toEqual([...crafted].sort());
    }
  });
});
