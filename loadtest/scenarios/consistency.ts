/**
 * The after-load invariants, as pure functions over what the API answers:
 *  - per book: stock on hand + sold (in orders not cancelled) == initial stock;
 *  - buyers: total funded - total balance == total amount of paid orders;
 *  - every order's amount == sum of count x listed price.
 */

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

/** The `orders` field of a list answer, validated; throws on a shape the contract does not allow. */
export function asOrders(value: unknown): OrderRecord[] {
  if (!Array.isArray(value)) throw new Error('orders: not an array');
  return value.map((o): OrderRecord => {
    if (!isRecord(o) || typeof o.order_id !== 'string' || typeof o.status !== 'string')
      throw new Error(`orders: bad order ${JSON.stringify(o)}`);
    if (typeof o.amount !== 'number' || !Array.isArray(o.items))
      throw new Error(`orders: bad amount/items in ${o.order_id}`);
    const items = o.items.map((i): OrderItem => {
      if (
        !isRecord(i) ||
        typeof i.book_id !== 'string' ||
        typeof i.count !== 'number' ||
        typeof i.price !== 'number'
      )
        throw new Error(`orders: bad item in ${o.order_id}`);
      return { book_id: i.book_id, count: i.count, price: i.price };
    });
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
    if (PAID_STATES.indexOf(order.status) >= 0) {
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

export function stockRows(
  initial: Record<string, number>,
  current: Record<string, number>,
  sold: Record<string, number>,
): StockRow[] {
  return Object.keys(initial).map((book) => {
    const start = initial[book] ?? 0;
    const now = current[book] ?? Number.NaN;
    const out = sold[book] ?? 0;
    return { book, initial: start, current: now, sold: out, drift: now + out - start };
  });
}

/** (funded - balances now) - paid: 0 when the buyers lost exactly what they paid. */
export function balanceDrift(fundedTotal: number, balanceTotal: number, paidAmount: number): number {
  return fundedTotal - balanceTotal - paidAmount;
}
