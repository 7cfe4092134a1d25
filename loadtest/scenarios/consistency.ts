/**
 * The after-load invariants, as pure functions over what the API answers:
 *  - per book: stock on hand + sold (in orders not cancelled) == initial stock;
 *  - buyers: total funded - total balance == total amount of paid orders;
 *  - every order's amount == sum of count x listed price, at the listed prices;
 *  - the store lists as many orders as its buyers do (with several stores: all together).
 * `judge` applies them all to one reading of the world, for the k6 scripts and the Node drivers.
 */
import type { World } from './world.ts';

export interface OrderItem {
  book_id: string;
  count: number;
  price: number;
}

export interface OrderRecord {
  order_id: string;
  status: string;
  items: OrderItem[];
  amount: number;
}

/** States in which the buyer's money has left the balance. */
export const PAID_STATES: readonly string[] = ['paid', 'shipped', 'received'];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function asItem(i: unknown, order: string): OrderItem {
  if (
    !isRecord(i) ||
    typeof i.book_id !== 'string' ||
    typeof i.count !== 'number' ||
    typeof i.price !== 'number'
  )
    throw new Error(`orders: bad item in ${order}`);
  return { book_id: i.book_id, count: i.count, price: i.price };
}

/** The `orders` field of a list answer, validated; throws on a shape the contract does not allow. */
export function asOrders(value: unknown): OrderRecord[] {
  if (!Array.isArray(value)) throw new Error('orders: not an array');
  return value.map((o): OrderRecord => {
    if (!isRecord(o) || typeof o.order_id !== 'string' || typeof o.status !== 'string')
      throw new Error(`orders: bad order ${JSON.stringify(o)}`);
    if (typeof o.amount !== 'number' || !Array.isArray(o.items))
      throw new Error(`orders: bad amount/items in ${o.order_id}`);
    const items = o.items.map((i) => asItem(i, o.order_id as string));
    return { order_id: o.order_id, status: o.status, items, amount: o.amount };
  });
}

export interface Tally {
  orders: number;
  byStatus: Record<string, number>;
  /** Units per book in orders that are not cancelled (reserved or paid). */
  soldByBook: Record<string, number>;
  paidCount: number;
  paidAmount: number;
  /** Orders whose amount or item prices disagree with the price list. */
  badAmounts: string[];
}

export function tallyOrders(orders: readonly OrderRecord[], prices: Record<string, number>): Tally {
  const tally: Tally = {
    orders: 0,
    byStatus: {},
    soldByBook: {},
    paidCount: 0,
    paidAmount: 0,
    badAmounts: [],
  };
  for (const order of orders) {
    tally.orders++;
    tally.byStatus[order.status] = (tally.byStatus[order.status] ?? 0) + 1;
    let expected = 0;
    let priceOk = true;
    for (const item of order.items) {
      expected += item.count * item.price;
      if (prices[item.book_id] !== item.price) priceOk = false;
      if (order.status !== 'cancelled')
        tally.soldByBook[item.book_id] = (tally.soldByBook[item.book_id] ?? 0) + item.count;
    }
    if (!priceOk || expected !== order.amount)
      tally.badAmounts.push(`${order.order_id}: amount ${order.amount}, items say ${expected}`);
    if (PAID_STATES.includes(order.status)) {
      tally.paidCount++;
      tally.paidAmount += order.amount;
    }
  }
  return tally;
}

export interface StockRow {
  book: string;
  initial: number;
  current: number;
  sold: number;
  /** current + sold - initial: 0 when consistent. */
  drift: number;
}

/** What was read back from the server after the load. */
export interface Reading {
  stock: Record<string, number>;
  orders: OrderRecord[];
  balances: number;
  storeTotal: number | undefined;
}

export interface Verdict {
  tally: Tally;
  rows: StockRow[];
  funded: number;
  /** (funded - balances now) - paid: 0 when the buyers lost exactly what they paid. */
  balanceDrift: number;
  problems: string[];
}

/** What `judge` needs of a world: every book (of every store), the prices, the buyers, the amounts. */
export interface Judged {
  spec: Pick<World['spec'], 'stockPerBook' | 'fundsPerBuyer'>;
  books: readonly { id: string }[];
  prices: Record<string, number>;
  buyers: readonly unknown[];
}

/** `reading.storeTotal`: the orders the store lists (all stores together when there are several). */
export function judge(world: Judged, reading: Reading): Verdict {
  const tally = tallyOrders(reading.orders, world.prices);
  const rows = world.books.map(({ id }): StockRow => {
    const initial = world.spec.stockPerBook;
    const current = reading.stock[id] ?? Number.NaN;
    const sold = tally.soldByBook[id] ?? 0;
    return { book: id, initial, current, sold, drift: current + sold - initial };
  });
  const funded = world.spec.fundsPerBuyer * world.buyers.length;
  const balanceDrift = funded - reading.balances - tally.paidAmount;
  const problems = rows.flatMap((r) =>
    r.drift === 0 ? [] : [`stock of ${r.book}: stock + sold - initial = ${r.drift}`],
  );
  if (balanceDrift !== 0) problems.push(`buyers' balances: (funded - now) - paid = ${balanceDrift} cents`);
  if (tally.badAmounts.length)
    problems.push(`${tally.badAmounts.length} orders with wrong amounts, e.g. ${tally.badAmounts[0]}`);
  if (reading.storeTotal !== tally.orders)
    problems.push(`the store lists ${reading.storeTotal} orders, the buyers ${tally.orders}`);
  return { tally, rows, funded, balanceDrift, problems };
}
