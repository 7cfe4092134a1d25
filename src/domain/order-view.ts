/**
 * How an order hash reads in API answers, and the paging of order lists.
 */
import type { OrderLine } from './order-lines.ts';

export interface Page {
  page: number;
  page_size: number;
}

export interface OrderView {
  order_id: string;
  buyer_id: string;
  store_id: string;
  status: string;
  items: OrderLine[];
  amount: number;
  created_at: string | null;
  paid_at: string | null;
  shipped_at: string | null;
  received_at: string | null;
  cancelled_at: string | null;
  cancel_reason: string | null;
  expires_at: string | null;
}

const iso = (ms: string | undefined) => (ms ? new Date(Number(ms)).toISOString() : null);

/** An order as read from Redis: its hash, in its buyer's slot, and its lines (order-lines.ts). */
export interface OrderRecord {
  orderId: string;
  buyer: string;
  hash: Record<string, string>;
  lines: OrderLine[];
}

/** The API view of an order, or undefined when there is no order (absent or a tombstone). */
export function orderView({ orderId, buyer, hash: h, lines }: OrderRecord): OrderView | undefined {
  if (!h.status || h.status === 'void') return undefined;
  return {
    order_id: orderId,
    buyer_id: buyer,
    store_id: h.store ?? '',
    status: h.status,
    items: lines,
    amount: Number(h.amount ?? 0),
    created_at: iso(h.created_at),
    paid_at: iso(h.paid_at),
    shipped_at: iso(h.shipped_at),
    received_at: iso(h.received_at),
    cancelled_at: iso(h.cancelled_at),
    cancel_reason: h.cancel_reason ?? null,
    expires_at: iso(h.expires_at),
  };
}

/** Zero-based inclusive range of a page, for ZREVRANGE. */
export const pageRange = (p: Page): [number, number] => [
  (p.page - 1) * p.page_size,
  p.page * p.page_size - 1,
];
