/**
 * Reads the whole store of record and checks the invariants of DESIGN.md §5:
 * - money: Σ balances + Σ escrow of paid/shipped orders == Σ deposits − Σ withdrawals;
 * - stock: for each (store, book), supplied (initial + restocks) == stock + Σ items held, never < 0;
 * - no order stuck: no cancelled order with stock still held, no unpaid order long past its
 *   deadline, no received order whose seller was not paid;
 * - no stranded stock: no reservation held whose order was never created (missing, or a `void`
 *   tombstone) once the expiry job had its chance to release it. The stock sum cannot see this one:
 *   the stock is counted as held, so it balances while the stock is lost for good;
 * - nothing unsweepable: a reservation held for an order not yet paid (unpaid, void, or not yet
 *   created) has its deadline on its store's `due` list, and the store is on its sweep shard's list;
 *   otherwise no sweep would ever expire it.
 * Used by tests, load runs and `npm run check`.
 */
import type { RedisClient } from '../redis/connect.ts';
import type { Keys } from '../redis/keys.ts';
import { scanKeys } from '../redis/scan.ts';
import { shardOf } from './expiry.ts';
import { inParallel } from './in-parallel.ts';
import { orderLines } from './order-lines.ts';

/** One broken invariant, with the ids it concerns (what a diagnosis looks up next). */
export interface Finding {
  message: string;
  orderId?: string;
  buyer?: string;
  store?: string;
}

export interface InvariantReport {
  users: number;
  orders: number;
  stores: number;
  money: { balances: number; escrow: number; deposited: number; pendingPayouts: number };
  /** Every broken invariant, one line each (the messages of `findings`). */
  problems: string[];
  findings: Finding[];
}

/** What the checks share while they read the key space. */
interface Check {
  redis: RedisClient;
  keys: Keys;
  now: number;
  graceMs: number;
  orderTimeoutMs: number;
  money: InvariantReport['money'];
  findings: Finding[];
  /** Every order key read (`void` tombstones included) with its status. */
  statuses: Map<string, string>;
  /** Each store's owner, read once. */
  owners: Map<string, Promise<string | null>>;
}

function ownerOf(c: Check, store: string): Promise<string | null> {
  let owner = c.owners.get(store);
  if (!owner) {
    owner = c.redis.hget(c.keys.store(store), 'owner');
    c.owners.set(store, owner);
  }
  return owner;
}

/** How many keys are read at once (independent reads; each a single-slot command). */
const BATCH = 64;

const inBatches = <T>(items: readonly T[], each: (item: T) => Promise<void>) =>
  inParallel(items, BATCH, each);

/**
 * `graceMs`: how long past its deadline an unpaid order may wait for the expiry worker, and a
 * reservation with no order for the expiry job that releases it.
 * `orderTimeoutMs`: the payment deadline's length (ORDER_TIMEOUT_SECONDS): a reservation whose order
 * was never created is released by the expiry job due that long after the reservation was made.
 */
export async function checkInvariants(
  redis: RedisClient,
  keys: Keys,
  now: number,
  graceMs = 60_000,
  orderTimeoutMs = 0,
): Promise<InvariantReport> {
  const money = { balances: 0, escrow: 0, deposited: 0, pendingPayouts: 0 };
  const c: Check = {
    redis,
    keys,
    now,
    graceMs,
    orderTimeoutMs,
    money,
    findings: [],
    statuses: new Map(),
    owners: new Map(),
  };
  const users = await checkUsers(c);
  const orders = await checkOrders(c);
  const stores = await checkStores(c);
  checkMoney(c);
  return { users, orders, stores, money, problems: c.findings.map((f) => f.message), findings: c.findings };
}

/** Sums balances and deposits; no balance below zero. Returns the number of users. */
async function checkUsers(c: Check): Promise<number> {
  const userKeys = await scanKeys(c.redis, c.keys.patterns.users);
  await inBatches(userKeys, async (key) => {
    const [balance, deposited] = await c.redis.hmget(key, 'balance', 'deposited');
    c.money.balances += Number(balance ?? 0);
    c.money.deposited += Number(deposited ?? 0);
    if (Number(balance) < 0) c.findings.push({ message: `negative balance in ${key}` });
  });
  return userKeys.length;
}

/** Reads every order (recording its status), checks each. Returns the number of real orders. */
async function checkOrders(c: Check): Promise<number> {
  let orders = 0;
  await inBatches(await scanKeys(c.redis, c.keys.patterns.orders), async (key) => {
    const ids = c.keys.parseOrderKey(key);
    if (!ids) return;
    const o = await c.redis.hgetall(key);
    if (!o.status) return;
    c.statuses.set(key, o.status);
    if (o.status === 'void') return;
    orders++;
    await checkOrder(c, ids, o);
  });
  return orders;
}

/** Escrow of a paid order; an unpaid one not long past its deadline; a received one paid out. */
async function checkOrder(
  c: Check,
  { buyer, orderId }: { buyer: string; orderId: string },
  o: Record<string, string>,
): Promise<void> {
  const { store } = o;
  // An order holds its amount in escrow while it is paid or shipped.
  if (o.status === 'paid' || o.status === 'shipped') c.money.escrow += Number(o.amount ?? 0);
  if (o.status === 'unpaid' && Number(o.expires_at) + c.graceMs < c.now)
    c.findings.push({ message: `order ${orderId} unpaid long past its deadline`, orderId, buyer, store });
  if (o.status !== 'received') return;
  // The seller is the store's owner (orders recorded before that rule hold it themselves).
  const seller = o.seller ?? (store ? await ownerOf(c, store) : null);
  if (seller) {
    const credited = await c.redis.sismember(c.keys.payouts(seller), orderId);
    if (!credited) {
      c.money.pendingPayouts += Number(o.amount ?? 0);
      const message = `order ${orderId} received but seller ${seller} not paid`;
      c.findings.push({ message, orderId, buyer, store });
    }
  }
}

/** Per store: its held reservations, then its stock against what was supplied. Returns the count. */
async function checkStores(c: Check): Promise<number> {
  const storeKeys = await scanKeys(c.redis, c.keys.patterns.stores);
  for (const storeKey of storeKeys) {
    const store = c.keys.parseStoreKey(storeKey);
    if (store === undefined) continue;
    const held = await checkReservations(c, store);
    const [stock, supplied] = await Promise.all([
      c.redis.hgetall(c.keys.stock(store)),
      c.redis.hgetall(c.keys.supplied(store)),
    ]);
    checkStock(c, store, stock, supplied, held);
  }
  return storeKeys.length;
}

/** The store's reservations still held, checked each against its order. Returns book → count held. */
async function checkReservations(c: Check, store: string): Promise<Map<string, number>> {
  const held = new Map<string, number>();
  await inBatches(await scanKeys(c.redis, c.keys.patterns.reservations(store)), async (key) => {
    const orderId = c.keys.parseReservationKey(key)?.orderId;
    if (orderId === undefined) return;
    const [resv, createdAt] = await Promise.all([
      c.redis.hgetall(key),
      c.redis.zscore(c.keys.storeOrders(store), orderId),
    ]);
    if (resv.state !== 'held') return;
    for (const { book_id, count } of orderLines(resv)) held.set(book_id, (held.get(book_id) ?? 0) + count);
    // The creation time is the order's score in the store's index, written in the same step.
    await checkHeldOrder(c, { store, orderId, buyer: resv.buyer }, Number(createdAt ?? 0));
  });
  return held;
}

/** A held reservation's order must exist and not be cancelled (or be young enough to be in flight). */
async function checkHeldOrder(
  c: Check,
  ids: { store: string; orderId: string; buyer: string | undefined },
  createdAt: number,
): Promise<void> {
  const { store, orderId, buyer } = ids;
  const key = buyer === undefined ? undefined : c.keys.order(buyer, orderId);
  // Read again when not seen by the order scan: the order may have been created since.
  const status = key ? (c.statuses.get(key) ?? (await c.redis.hget(key, 'status'))) : null;
  if (status === 'cancelled') {
    c.findings.push({ message: `order ${orderId} cancelled but its stock is still held`, ...ids });
  } else if ((!status || status === 'void') && createdAt + c.orderTimeoutMs + c.graceMs < c.now) {
    const message = `reservation ${orderId} in ${store} held but its order is ${status || 'missing'}`;
    c.findings.push({ message, ...ids });
  }
  if (!status || status === 'void' || status === 'unpaid') await checkSweepable(c, ids, key);
}

/** An order not yet paid whose stock is held must be where the expiry sweep looks. */
async function checkSweepable(
  c: Check,
  ids: { store: string; orderId: string; buyer: string | undefined },
  key: string | undefined,
): Promise<void> {
  const { store, orderId } = ids;
  const [due, listed] = await Promise.all([
    c.redis.zscore(c.keys.due(store), orderId),
    c.redis.sismember(c.keys.sweepStores(shardOf(store)), store),
  ]);
  if (!listed) c.findings.push({ message: `store ${store} is not on its expiry sweep's list`, ...ids });
  if (due !== null) return;
  // Read again: paid or released meanwhile is fine.
  const [status, state] = await Promise.all([
    key ? c.redis.hget(key, 'status') : null,
    c.redis.hget(c.keys.reservation(store, orderId), 'state'),
  ]);
  if (state === 'held' && (!status || status === 'void' || status === 'unpaid')) {
    const message = `reservation ${orderId} in ${store} held for an order ${status || 'missing'} without a deadline on the store's due list`;
    c.findings.push({ message, ...ids });
  }
}

/** supplied == stock + held for every book, and no stock below zero. */
function checkStock(
  c: Check,
  store: string,
  stock: Record<string, string>,
  supplied: Record<string, string>,
  held: Map<string, number>,
): void {
  for (const [book, level] of Object.entries(stock)) {
    const h = held.get(book) ?? 0;
    if (Number(level) < 0) c.findings.push({ message: `negative stock for ${store}/${book}`, store });
    if (Number(supplied[book] ?? 0) !== Number(level) + h) {
      const message = `stock drift for ${store}/${book}: supplied ${supplied[book]} != stock ${level} + held ${h}`;
      c.findings.push({ message, store });
    }
  }
}

/** Balances + escrow + payouts owed == net deposits. */
function checkMoney(c: Check): void {
  const { balances, escrow, pendingPayouts, deposited } = c.money;
  if (balances + escrow + pendingPayouts !== deposited) {
    c.findings.push({
      message: `money drift: balances ${balances} + escrow ${escrow} + pending payouts ${pendingPayouts} != deposited ${deposited}`,
    });
  }
}
