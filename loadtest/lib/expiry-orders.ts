/**
 * bench-expiry's traffic: unpaid orders placed at a steady pace (open loop, lib/paced.ts) from many
 * buyers, an order's server times read with /buyer/query_order_status, the client-side watch of one
 * order from its deadline until an answer shows it cancelled, and the sweeps that wait until every
 * order is cancelled and every book's stock is back.
 */
import * as api from '../scenarios/api.ts';
import { orderLines } from '../scenarios/catalog.ts';
import { type Account, stockLevels, type World } from '../scenarios/world.ts';
import { sleep } from './common.ts';
import { mapLimit, must, run } from './http.ts';
import { paced } from './paced.ts';
import type { CpuPids } from './proc.ts';
import { CONCURRENCY } from './world.ts';

/** An order the server accepted. */
export interface Placed {
  index: number;
  buyer: Account;
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

async function readTimes(base: string, p: Placed): Promise<OrderTimes> {
  const reply = await must(base, api.orderStatus(p.buyer.user_id, p.buyer.password, p.id));
  const order = (reply.order ?? {}) as Record<string, unknown>;
  const expiresAt = isoMs(order.expires_at);
  if (typeof order.status !== 'string' || expiresAt === undefined)
    throw new Error(`query_order_status ${p.id}: no status or expires_at in ${JSON.stringify(reply)}`);
  const reason = typeof order.cancel_reason === 'string' ? order.cancel_reason : null;
  return { status: order.status, expiresAt, cancelledAt: isoMs(order.cancelled_at), reason };
}

/**
 * Places `count` orders evenly over `seconds`, order i from buyer i mod N with lines orderLines(i).
 * `onPlaced` sees each accepted order at once. Returns them in order, and the new_order phase.
 */
export async function placeOrders(
  base: string,
  world: World,
  count: number,
  seconds: number,
  o: { pids: CpuPids; onPlaced: (p: Placed) => void },
) {
  const placed: Placed[] = [];
  const buyerOf = (i: number) => world.buyers[i % world.buyers.length] as Account;
  const request = (i: number) =>
    api.newOrder(buyerOf(i).user_id, buyerOf(i).token, world.store, orderLines(i, world.books));
  const onAnswer = (index: number, status: number, body: string) => {
    const id = status === 200 ? api.stringField(api.parseReply(body), 'order_id') : undefined;
    if (!id) return;
    const p = { index, buyer: buyerOf(index), id };
    placed.push(p);
    o.onPlaced(p);
  };
  const phase = await paced({ name: 'new_order', base, count, seconds, request, onAnswer, pids: o.pids });
  return { placed: placed.sort((a, b) => a.index - b.index), phase };
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

/** Reads every order not yet seen cancelled, every `everyMs`, until all are or `giveUpAt` (epoch ms). */
export async function sweepUntilCancelled(
  base: string,
  placed: readonly Placed[],
  giveUpAt: number,
  everyMs: number,
) {
  const latest = new Map<string, OrderTimes>();
  for (;;) {
    const pending = placed.filter((p) => latest.get(p.id)?.status !== 'cancelled');
    const read = await mapLimit(pending, CONCURRENCY, (p) => readTimes(base, p));
    for (const [i, times] of read.entries()) latest.set((pending[i] as Placed).id, times);
    if (read.every((times) => times.status === 'cancelled') || Date.now() >= giveUpAt) return latest;
    await sleep(everyMs);
  }
}

/** Stock levels of the world's books, read until all are back to the initial stock or `giveUpAt`. */
export async function stockUntilBack(base: string, world: World, giveUpAt: number) {
  for (;;) {
    const levels = await run(base, stockLevels(world));
    const back = Object.values(levels).every((n) => n === world.spec.stockPerBook);
    if (back || Date.now() >= giveUpAt) return levels;
    await sleep(100);
  }
}
