/**
 * /buyer: orders (new, pay, cancel, confirm receipt, queries), funds and balance, auto-cancel.
 */
import { Hono } from 'hono';
import * as accounts from '../domain/accounts.ts';
import type { Deps } from '../domain/deps.ts';
import * as queries from '../domain/order-queries.ts';
import * as orders from '../domain/orders.ts';
import { parseBody } from '../http/body.ts';
import { passwordOf } from '../http/client-address.ts';
import { type AppEnv, idempotent } from '../http/idempotency.ts';
import { ok } from '../http/respond.ts';
import { schemas } from '../http/schemas.ts';
import { tokenProof } from '../http/token.ts';

export function buyerRoutes(d: Deps) {
  const app = new Hono<AppEnv>();
  const once = idempotent(d, { auth: 'password' });
  app.post('/new_order', idempotent(d, { auth: 'token', recordedByScript: true }), async (c) => {
    const b = await parseBody(c, schemas.newOrder);
    // The signature here; the epoch and revocation in the script that records the order.
    const proof = await tokenProof(d, c, b.user_id);
    const orderId = await orders.newOrder(d, b.user_id, b.store_id, b.books, proof, c.get('idem'));
    return ok(c, { order_id: orderId });
  });
  const payOnce = idempotent(d, { auth: 'password', recordedByScript: true });
  for (const path of ['/pay_to_platform', '/payment']) {
    app.post(path, payOnce, async (c) => {
      const b = await parseBody(c, schemas.payToPlatform);
      await orders.payToPlatform(d, b.user_id, passwordOf(c, b.password), b.order_id, c.get('idem'));
      return ok(c);
    });
  }
  app.post('/add_funds', once, async (c) => {
    const b = await parseBody(c, schemas.addFunds);
    await accounts.addFunds(d, b.user_id, passwordOf(c, b.password), b.add_value, c.get('idem'));
    return ok(c);
  });
  app.post('/confirm_receipt_and_pay_toseller', once, async (c) => {
    const b = await parseBody(c, schemas.confirmReceipt);
    await orders.confirmReceipt(d, b.user_id, passwordOf(c, b.password), b.order_id, c.get('idem'));
    return ok(c);
  });
  app.post('/query_order_status', async (c) => {
    const b = await parseBody(c, schemas.queryOrderStatus);
    const order = await queries.queryOrderStatus(d, b.user_id, passwordOf(c, b.password), b.order_id);
    return ok(c, { order_status: order.status, order });
  });
  app.post('/query_buyer_all_orders', async (c) => {
    const b = await parseBody(c, schemas.queryBuyerAllOrders);
    const page = { page: b.page, page_size: b.page_size };
    const found = await queries.queryBuyerAllOrders(d, b.user_id, passwordOf(c, b.password), page);
    return ok(c, { ...found, ...page });
  });
  app.post('/cancel_order', once, async (c) => {
    const b = await parseBody(c, schemas.cancelOrder);
    await orders.cancelOrder(d, b.user_id, passwordOf(c, b.password), b.order_id, c.get('idem'));
    return ok(c);
  });
  app.post('/query_balance', async (c) => {
    const b = await parseBody(c, schemas.queryBalance);
    return ok(c, { balance: await accounts.queryBalance(d, b.user_id, passwordOf(c, b.password)) });
  });
  app.post('/auto_cancel_expired_orders', async (c) =>
    ok(c, { cancelled: await queries.autoCancelExpiredOrders(d) }),
  );
  return app;
}
