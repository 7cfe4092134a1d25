/**
 * Reads the whole store of record and checks the invariants of DESIGN.md §5:
 * - money: Σ balances + Σ escrow of paid/shipped orders == Σ deposits − Σ withdrawals;
 * - stock: for each (store, book), supplied (initial + restocks) == stock + Σ items held, never < 0;
 * - no order stuck: no cancelled order with stock still held, no unpaid order long past its
 *   deadline, no received order whose seller was not paid.
 * Used by tests, load runs and `npm run check`.
 */
import type { RedisClient } from '../redis/connect.ts';
import { decodeId as decode, type Keys } from '../redis/keys.ts';
import { scanKeys } from '../redis/scan.ts';

export interface InvariantReport {
  users: number;
  orders: number;
  stores: number;
  money: { balances: number; escrow: number; deposited: number; pendingPayouts: number };
  problems: string[];
}

/** `graceMs`: how long past its deadline an unpaid order may wait for the expiry worker. */
export async function checkInvariants(
  redis: RedisClient,
  keys: Keys,
  now: number,
  graceMs = 60_000,
): Promise<InvariantReport> {
  const p = keys.prefix;
  const problems: string[] = [];
  const money = { balances: 0, escrow: 0, deposited: 0, pendingPayouts: 0 };

  const userKeys = await scanKeys(redis, keys.patterns.users);
  for (const key of userKeys) {
    const [balance, deposited] = await redis.hmget(key, 'balance', 'deposited');
    money.balances += Number(balance ?? 0);
    money.deposited += Number(deposited ?? 0);
    if (Number(balance) < 0) problems.push(`negative balance in ${key}`);
  }

  const held = new Map<string, number>(); // `${storeKeyTag}\0${book}` -> count held
  const orderKeys = await scanKeys(redis, keys.patterns.orders);
  let orders = 0;
  for (const key of orderKeys) {
    const o = await redis.hgetall(key);
    if (!o.status || o.status === 'void') continue;
    orders++;
    const orderId = decode(key.slice(key.lastIndexOf(':order:') + 7));
    if (o.status === 'paid' || o.status === 'shipped') money.escrow += Number(o.escrow ?? 0);
    if (o.status === 'unpaid' && Number(o.expires_at) + graceMs < now)
      problems.push(`order ${orderId} unpaid long past its deadline`);
    if (o.status === 'received' && o.seller) {
      const credited = await redis.sismember(keys.payouts(o.seller), orderId);
      if (!credited) {
        money.pendingPayouts += Number(o.amount ?? 0);
        problems.push(`order ${orderId} received but seller ${o.seller} not paid`);
      }
    }
    if (o.status === 'cancelled' && o.store) {
      const state = await redis.hget(keys.reservation(o.store, orderId), 'state');
      if (state === 'held') problems.push(`order ${orderId} cancelled but its stock is still held`);
    }
  }

  const storeKeys = await scanKeys(redis, keys.patterns.stores);
  for (const storeKey of storeKeys) {
    const store = decode(storeKey.slice(`${p}:{s:`.length, storeKey.length - '}:store'.length));
    const resvKeys = await scanKeys(redis, keys.patterns.reservations(store));
    for (const resvKey of resvKeys) {
      const r = await redis.hmget(resvKey, 'state', 'items');
      if (r[0] !== 'held') continue;
      for (const [book, count] of JSON.parse(r[1] ?? '[]') as [string, string][]) {
        held.set(`${store}\0${book}`, (held.get(`${store}\0${book}`) ?? 0) + Number(count));
      }
    }
    const [stock, supplied] = await Promise.all([
      redis.hgetall(keys.stock(store)),
      redis.hgetall(keys.supplied(store)),
    ]);
    for (const [book, level] of Object.entries(stock)) {
      const h = held.get(`${store}\0${book}`) ?? 0;
      if (Number(level) < 0) problems.push(`negative stock for ${store}/${book}`);
      if (Number(supplied[book] ?? 0) !== Number(level) + h) {
        problems.push(
          `stock drift for ${store}/${book}: supplied ${supplied[book]} != stock ${level} + held ${h}`,
        );
      }
    }
  }

  if (money.balances + money.escrow + money.pendingPayouts !== money.deposited) {
    problems.push(
      `money drift: balances ${money.balances} + escrow ${money.escrow} + pending payouts ${money.pendingPayouts} != deposited ${money.deposited}`,
    );
  }
  return { users: userKeys.length, orders, stores: storeKeys.length, money, problems };
}
