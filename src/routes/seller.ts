/**
 * /seller: open stores, list and restock books, ship orders, the seller's order lists, stock levels.
 */
import { Hono } from 'hono';
import { blobHash } from '../catalogue/blobs.ts';
import type { BookRecord } from '../catalogue/book.ts';
import type { Deps } from '../domain/deps.ts';
import * as orders from '../domain/orders.ts';
import * as stores from '../domain/stores.ts';
import { invalid } from '../errors.ts';
import { parseBody } from '../http/body.ts';
import { passwordOf } from '../http/client-address.ts';
import { type AppEnv, idempotent } from '../http/idempotency.ts';
import { ok } from '../http/respond.ts';
import { schemas } from '../http/schemas.ts';
import { requireToken } from '../http/token.ts';

export function sellerRoutes(d: Deps) {
  const once = idempotent(d, { auth: 'token' });
  return new Hono<AppEnv>()
    .post('/create_store', once, async (c) => {
      const b = await parseBody(c, schemas.createStore);
      await requireToken(d, c, b.user_id);
      await stores.createStore(d, b.user_id, b.store_id, c.get('idem'));
      return ok(c);
    })
    .post('/add_book', once, async (c) => {
      const b = await parseBody(c, schemas.addBook);
      await requireToken(d, c, b.user_id);
      const blobs = (b.book_info.pictures ?? []).map((text, n) => {
        const bytes = Buffer.from(text, 'base64');
        if (bytes.length === 0) throw invalid(`book_info.pictures.${n}`, 'must not be empty');
        return bytes;
      });
      const record: BookRecord = { ...b.book_info, pictures: blobs.map(blobHash) };
      const book = { id: record.id, price: record.price, json: JSON.stringify(record), blobs };
      await stores.addBook(d, b.user_id, b.store_id, book, b.stock_level, c.get('idem'));
      return ok(c);
    })
    .post('/add_stock_level', once, async (c) => {
      const b = await parseBody(c, schemas.addStockLevel);
      await requireToken(d, c, b.user_id);
      await stores.addStockLevel(d, b.user_id, b.store_id, b.book_id, b.add_stock_level, c.get('idem'));
      return ok(c);
    })
    .post('/ship', once, async (c) => {
      const b = await parseBody(c, schemas.ship);
      await requireToken(d, c, b.user_id);
      await orders.ship(d, b.user_id, b.store_id, b.order_id);
      return ok(c);
    })
    .post('/query_one_store_orders', async (c) => {
      const b = await parseBody(c, schemas.queryOneStoreOrders);
      const page = { page: b.page, page_size: b.page_size };
      const password = passwordOf(c, b.password);
      const result = await stores.queryOneStoreOrders(d, b.user_id, password, b.store_id, page);
      return ok(c, { ...result, ...page });
    })
    .post('/query_all_store_orders', async (c) => {
      const b = await parseBody(c, schemas.queryAllStoreOrders);
      const page = { page: b.page, page_size: b.page_size };
      const found = await stores.queryAllStoreOrders(d, b.user_id, passwordOf(c, b.password), page);
      return ok(c, { ...found, ...page });
    })
    .post('/get_stock_level', async (c) => {
      const b = await parseBody(c, schemas.getStockLevel);
      return ok(c, { stock_level: await stores.getStockLevel(d, b.store_id, b.book_id) });
    });
}
