/**
 * bench-expiry's traffic: unpaid orders placed at a steady pace from many buyers, an order's server
 * times read with /buyer/query_order_status, the client-side watch of one order from its deadline until
 * an answer shows it cancelled, and the sweep that waits until every order is cancelled.
 */
import * as api from '../scenarios/api.ts';
import { orderLines } from '../scenarios/catalog.ts';
import { sleep } from './common.ts';
import { mapLimit, must, send } from './http.ts';
import type { Buyer, World } from './world.ts';

/** An order the server accepted. */
export interface Placed {
  index: number;
  buyer: Buyer;
  id: string;
}

/** What query_order_status says of an order; times in epoch ms, from the server's clock. */
export interface OrderTimes {
  status: string;
  expiresAt: number;
  cancelledAt: number | undefined;
  reason: string | null;
}

const isoMs = (value: unknown) => (typeof value === 'string' ? Date.parse(value) : undefined);

export async function readTimes(base: string, p: Placed): Promise<OrderTimes> {
  const reply = await must(base, api.orderStatus(p.buyer.user_id, p.buyer.password, p.id));
  const order = (reply.order ?? {}) as Record<string, unknown>;
  const expiresAt = isoMs(order.expires_at);
  if (typeof order.status !== 'string' || expiresAt === undefined)
    throw new Error(`query_order_status ${p.id}: no status or expires_at in ${JSON.stringify(reply)}`);
  const reason = typeof order.cancel_reason === 'string' ? order.cancel_reason : null;
  return { status: order.status, expiresAt, cancelledAt: isoMs(order.cancelled_at), reason };
}

export interface Placement {
  placed: Placed[];
  /** Refused or failed requests, by `HTTP <status> code <code>` or error message. */
  failures: Map<string, number>;
  /** new_order answer times, ms. */
  latencies: number[];
}

/**
 * Places `count` orders, order i at start + i * spreadMs / count whatever the answers' pace (open
 * loop), from buyer i mod N with lines orderLines(i). `onPlaced` sees each accepted order at once.
 */
export async function placeOrders(
  base: string,
  world: World,
  count: number,
  spreadMs: number,
  onPlaced: (p: Placed) => void,
): Promise<Placement> {
  const out: Placement = { placed: [], failures: new Map(), latencies: [] };
  const fail = (key: string) => out.failures.set(key, (out.failures.get(key) ?? 0) + 1);
  const start = Date.now();
  const one = async (index: number) => {
    await sleep(start + (index * spreadMs) / count - Date.now());
    const buyer = world.buyers[index % world.buyers.length] as Buyer;
    const req = api.newOrder(buyer.user_id, buyer.token, world.store, orderLines(index, world.books));
    const sentAt = performance.now();
    const sent = await send(base, req).catch((error: Error) => error);
    out.latencies.push(performance.now() - sentAt);
    const id = sent instanceof Error ? undefined : api.stringField(sent.reply, 'order_id');
    if (sent instanceof Error || sent.status !== 200 || !id) {
      fail(sent instanceof Error ? sent.message : `HTTP ${sent.status} code ${sent.reply?.code}`);
      return;
    }
    const placed = { index, buyer, id };
    out.placed.push(placed);
    onPlaced(placed);
  };
  await Promise.all(Array.from({ length: count }, (_, i) => one(i)));
  out.placed.sort((a, b) => a.index - b.index);
  return out;
}

export interface Watched {
  /** From the deadline to the first answer showing the order cancelled, ms; undefined if never. */
  seenAfterMs: number | undefined;
  /** query_order_status answer times while polling, ms. */
  latencies: number[];
  /** Why the watch stopped early (a failed request), if it did. */
  error?: string;
}

/**
 * Reads the deadline, then polls from it every `pollMs` until cancelled or `graceMs` after it. Never
 * rejects (it runs unawaited while the bench does other things): a failure ends up in `error`.
 */
export async function watchOrder(base: string, p: Placed, pollMs: number, graceMs: number): Promise<Watched> {
  const latencies: number[] = [];
  try {
    const { expiresAt } = await readTimes(base, p);
    for (let k = 0; k * pollMs <= graceMs; ) {
      await sleep(expiresAt + k * pollMs - Date.now());
      const sentAt = Date.now();
      const times = await readTimes(base, p);
      const answeredAt = Date.now();
      latencies.push(answeredAt - sentAt);
      if (times.status === 'cancelled') return { seenAfterMs: answeredAt - expiresAt, latencies };
      // The next tick on the grid; a slow answer skips the ticks it overran rather than bunching up.
      k = Math.max(k + 1, Math.ceil((answeredAt - expiresAt) / pollMs));
    }
    return { seenAfterMs: undefined, latencies };
  } catch (error) {
    return { seenAfterMs: undefined, latencies, error: `${p.id}: ${(error as Error).message}` };
  }
}

/**
 * Reads every order not yet seen cancelled, every `everyMs`, until all are cancelled or `giveUpAt`
 * (epoch ms) has passed. Returns the last reading of each order.
 */
export async function sweepUntilCancelled(
  base: string,
  placed: readonly Placed[],
  giveUpAt: number,
  everyMs: number,
  concurrency: number,
): Promise<Map<string, OrderTimes>> {
  const latest = new Map<string, OrderTimes>();
  for (;;) {
    const pending = placed.filter((p) => latest.get(p.id)?.status !== 'cancelled');
    const read = await mapLimit(pending, concurrency, (p) => readTimes(base, p));
    for (const [i, times] of read.entries()) latest.set((pending[i] as Placed).id, times);
    const done = read.every((times) => times.status === 'cancelled');
    if (done || Date.now() >= giveUpAt) return latest;
    await sleep(everyMs);
  }
}

/** Stock levels of the world's books, read until all equal `initial` or `giveUpAt` has passed. */
export async function stockUntilBack(
  base: string,
  world: World,
  initial: number,
  giveUpAt: number,
): Promise<Map<string, number>> {
  for (;;) {
    const levels = new Map<string, number>();
    for (const book of world.books) {
      const reply = await must(base, api.getStockLevel(world.store, book.id));
      levels.set(book.id, api.numberField(reply, 'stock_level') ?? Number.NaN);
    }
    if ([...levels.values()].every((n) => n === initial) || Date.now() >= giveUpAt) return levels;
    await sleep(100);
  }
}
