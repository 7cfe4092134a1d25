/**
 * The load-test world, derived from a run tag: ids of the seller, the store, the buyers and the books,
 * the books' prices, and which lines the n-th order asks for. Deterministic, so the k6 scripts and the
 * autocannon driver build the same world and the checks can recompute amounts.
 */
import type { BookInfo, BookLine } from './api.ts';

/** A run tag: lower-case letters and digits, unique enough for one Redis prefix. */
export function runTag(nowMs: number, salt: number): string {
  return `lt${nowMs.toString(36)}${Math.floor(salt * 1e6).toString(36)}`;
}

export const sellerId = (tag: string): string => `${tag}-seller`;
export const storeId = (tag: string): string => `${tag}-store`;
export const buyerId = (tag: string, index: number): string => `${tag}-buyer-${index}`;
/** Every load-test user's password is derived from its id. */
export const passwordOf = (userId: string): string => `pw-${userId}`;

/** `count` books, prices 1000, 1250, 1500, ... cents. */
export function catalogue(tag: string, count: number): BookInfo[] {
  const books: BookInfo[] = [];
  for (let i = 0; i < count; i++) {
    books.push({
      id: `${tag}-book-${i}`,
      title: `Load test book ${i}`,
      price: 1000 + 250 * i,
      author: 'k6',
      tags: ['loadtest'],
    });
  }
  return books;
}

/**
 * The lines of the `seq`-th order: one book chosen round-robin, count 1-3; every fourth order has a
 * second line (the next book, count 1), so the store's multi-line reservation is exercised too.
 */
export function orderLines(seq: number, books: readonly { id: string }[]): BookLine[] {
  const n = books.length;
  if (n === 0) throw new Error('orderLines: empty catalogue');
  const first = books[seq % n];
  if (!first) throw new Error('orderLines: no book');
  const lines: BookLine[] = [{ id: first.id, count: 1 + (seq % 3) }];
  const second = books[(seq + 1) % n];
  if (seq % 4 === 3 && n > 1 && second) lines.push({ id: second.id, count: 1 });
  return lines;
}

/** Price of each book id. */
export function priceList(books: readonly BookInfo[]): Record<string, number> {
  const prices: Record<string, number> = {};
  for (const book of books) prices[book.id] = book.price;
  return prices;
}

/** What an order of `lines` costs, in cents. */
export function orderAmount(lines: readonly BookLine[], prices: Record<string, number>): number {
  let amount = 0;
  for (const line of lines) {
    const price = prices[line.id];
    if (price === undefined) throw new Error(`orderAmount: unknown book ${line.id}`);
    amount += price * line.count;
  }
  return amount;
}
