/**
 * An order's lines, as its store's reservation keeps them (the one copy): one field per line, `<n>`
 * (1-based) → `<count> <price> <book id>`, each short enough for Redis's compact listpack encoding
 * (the Lua side is the include `reservationLines`). Orders recorded before that format hold them as
 * one JSON field, `items`: `[[book id, count, price], ...]`, in the reservation or in the order.
 */
export interface OrderLine {
  book_id: string;
  count: number;
  price: number;
}

const LINE = /^(\d+) (\d+) (.*)$/s;

/** The lines of a reservation hash (or of an order hash of the oldest format), in order. */
export function orderLines(hash: Record<string, string>): OrderLine[] {
  if (hash.items !== undefined) {
    const items = JSON.parse(hash.items) as [string, string, string][];
    return items.map(([book_id, count, price]) => ({ book_id, count: Number(count), price: Number(price) }));
  }
  const lines: [number, OrderLine][] = [];
  for (const [field, value] of Object.entries(hash)) {
    const match = /^\d+$/.test(field) ? LINE.exec(value) : null;
    if (match)
      lines.push([
        Number(field),
        { book_id: match[3] ?? '', count: Number(match[1]), price: Number(match[2]) },
      ]);
  }
  return lines.sort((a, b) => a[0] - b[0]).map(([, line]) => line);
}
