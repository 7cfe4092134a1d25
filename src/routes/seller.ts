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
import { jsonBody } from '../http/body.ts';
import { passwordOf } from '../http/client-address.ts';
import { type AppEnv, idempotent } from '../http/idempotency.ts';
import { describeRoute, operation } from '../http/openapi.ts';
import { ok } from '../http/respond.ts';
import { answers, schemas } from '../http/schemas.ts';
import { requireToken } from '../http/token.ts';

const tags: ['seller'] = ['seller'];
const notOwner = [401, 'the store is not owned by `user_id`'] as const;

export function sellerRoutes(d: Deps) {
  const once = idempotent(d, { auth: 'token' });
  return new Hono<AppEnv>()
    .post(
      '/create_store',
      describeRoute(
        operation({
          tags,
          summary: 'Open a store owned by the user',
          auth: 'token',
          idempotent: true,
          codes: [530, 511, 401, 514, 200],
        }),
      ),
      once,
      jsonBody(schemas.createStore),
      async (c) => {
        const b = c.req.valid('json');
        await requireToken(d, c, b.user_id);
        await stores.createStore(d, b.user_id, b.store_id, c.get('idem'));
        return ok(c);
      },
    )
    .post(
      '/add_book',
      describeRoute(
        operation({
          tags,
          summary: 'List a book in a store, with its stock level',
          description:
            '`id`, `title`, `price` and `stock_level` are required; every other field of `book_info` is optional, absent or null. Pictures are base64; search answers show them as URLs.',
          auth: 'token',
          idempotent: true,
          codes: [530, 511, 401, 513, notOwner, 516, 200],
        }),
      ),
      once,
      jsonBody(schemas.addBook),
      async (c) => {
        const b = c.req.valid('json');
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
      },
    )
    .post(
      '/add_stock_level',
      describeRoute(
        operation({
          tags,
          summary: "Add to a book's stock level",
          auth: 'token',
          idempotent: true,
          codes: [530, 511, 401, 513, notOwner, 515, 200],
        }),
      ),
      once,
      jsonBody(schemas.addStockLevel),
      async (c) => {
        const b = c.req.valid('json');
        await requireToken(d, c, b.user_id);
        await stores.addStockLevel(d, b.user_id, b.store_id, b.book_id, b.add_stock_level, c.get('idem'));
        return ok(c);
      },
    )
    .post(
      '/ship',
      describeRoute(
        operation({
          tags,
          summary: 'Ship a paid order of the store',
          auth: 'token',
          idempotent: true,
          codes: [530, 511, 401, 513, notOwner, 518, 526, 520, 529, 528, 200],
        }),
      ),
      once,
      jsonBody(schemas.ship),
      async (c) => {
        const b = c.req.valid('json');
        await requireToken(d, c, b.user_id);
        await orders.ship(d, b.user_id, b.store_id, b.order_id);
        return ok(c);
      },
    )
    .post(
      '/query_one_store_orders',
      describeRoute(
        operation({
          tags,
          summary: "One store's orders, newest first, paged",
          auth: 'password',
          answer: answers.sellerOrders,
          codes: [530, 511, 513, 401, [522, 'the store is not owned by `user_id`'], 200],
        }),
      ),
      jsonBody(schemas.queryOneStoreOrders),
      async (c) => {
        const b = c.req.valid('json');
        const page = { page: b.page, page_size: b.page_size };
        const password = passwordOf(c, b.password);
        const result = await stores.queryOneStoreOrders(d, b.user_id, password, b.store_id, page);
        return ok(c, { ...result, ...page });
      },
    )
    .post(
      '/query_all_store_orders',
      describeRoute(
        operation({
          tags,
          summary: 'The orders of every store the user owns, newest first, paged',
          auth: 'password',
          answer: answers.sellerOrders,
          codes: [530, 511, 401, [522, '`user_id` owns no store'], 200],
        }),
      ),
      jsonBody(schemas.queryAllStoreOrders),
      async (c) => {
        const b = c.req.valid('json');
        const page = { page: b.page, page_size: b.page_size };
        const found = await stores.queryAllStoreOrders(d, b.user_id, passwordOf(c, b.password), page);
        return ok(c, { ...found, ...page });
      },
    )
    .post(
      '/get_stock_level',
      describeRoute(
        operation({
          tags,
          summary: 'What a store has on hand of a book (public)',
          answer: answers.stockLevel,
          codes: [530, 513, 515, 200],
        }),
      ),
      jsonBody(schemas.getStockLevel),
      async (c) => {
        const b = c.req.valid('json');
        return ok(c, { stock_level: await stores.getStockLevel(d, b.store_id, b.book_id) });
      },
    );
}
