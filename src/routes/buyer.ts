/**
 * /buyer: orders (new, pay, cancel, confirm receipt, queries), funds and balance, auto-cancel.
 */
import { Hono } from 'hono';
import * as accounts from '../domain/accounts.ts';
import type { Deps } from '../domain/deps.ts';
import * as queries from '../domain/order-queries.ts';
import * as orders from '../domain/orders.ts';
import { jsonBody } from '../http/body.ts';
import { passwordOf } from '../http/client-address.ts';
import { type AppEnv, idempotent } from '../http/idempotency.ts';
import { describeRoute, operation } from '../http/openapi.ts';
import { ok } from '../http/respond.ts';
import { answers, schemas } from '../http/schemas.ts';
import { tokenProof } from '../http/token.ts';

const tags: ['buyer'] = ['buyer'];
const byPassword = [401, 'unknown user or wrong password'] as const;

export function buyerRoutes(d: Deps) {
  const app = new Hono<AppEnv>();
  const once = idempotent(d, { auth: 'password' });
  app.post(
    '/new_order',
    describeRoute(
      operation({
        tags,
        summary: 'Order books from one store',
        description:
          'Repeated ids are summed; all lines succeed or none. The stock is reserved now; the order must be paid before its deadline (default 15 min) or it is cancelled and the stock returns.',
        auth: 'token',
        idempotent: true,
        answer: answers.newOrder,
        codes: [530, 511, 401, 513, 515, 517, 200],
      }),
    ),
    idempotent(d, { auth: 'token', recordedByScript: true }),
    jsonBody(schemas.newOrder),
    async (c) => {
      const b = c.req.valid('json');
      // The signature here; the epoch and revocation in the script that records the order.
      const proof = await tokenProof(d, c, b.user_id);
      const orderId = await orders.newOrder(d, b.user_id, b.store_id, b.books, proof, c.get('idem'));
      return ok(c, { order_id: orderId });
    },
  );
  const payOnce = idempotent(d, { auth: 'password', recordedByScript: true });
  const payments = {
    '/pay_to_platform': 'Pay an order to the platform (escrow)',
    '/payment': 'Pay an order to the platform (alias of /buyer/pay_to_platform)',
  };
  for (const [path, summary] of Object.entries(payments)) {
    app.post(
      path,
      describeRoute(
        operation({
          tags,
          summary,
          description: "The amount moves from the buyer's balance to the platform.",
          auth: 'password',
          idempotent: true,
          codes: [530, byPassword, 518, 526, 527, 519, 200],
        }),
      ),
      payOnce,
      jsonBody(schemas.payToPlatform),
      async (c) => {
        const b = c.req.valid('json');
        await orders.payToPlatform(d, b.user_id, passwordOf(c, b.password), b.order_id, c.get('idem'));
        return ok(c);
      },
    );
  }
  app.post(
    '/add_funds',
    describeRoute(
      operation({
        tags,
        summary: 'Add to (or, negative, withdraw from) the balance',
        auth: 'password',
        idempotent: true,
        codes: [530, 401, [519, 'a withdrawal larger than the balance'], 200],
      }),
    ),
    once,
    jsonBody(schemas.addFunds),
    async (c) => {
      const b = c.req.valid('json');
      await accounts.addFunds(d, b.user_id, passwordOf(c, b.password), b.add_value, c.get('idem'));
      return ok(c);
    },
  );
  app.post(
    '/confirm_receipt_and_pay_toseller',
    describeRoute(
      operation({
        tags,
        summary: "Confirm receipt: the escrow goes to the store owner's balance",
        description: 'Allowed once the order is paid, shipped or not.',
        auth: 'password',
        idempotent: true,
        codes: [530, 401, 518, 526, 520, 528, 200],
      }),
    ),
    once,
    jsonBody(schemas.confirmReceipt),
    async (c) => {
      const b = c.req.valid('json');
      await orders.confirmReceipt(d, b.user_id, passwordOf(c, b.password), b.order_id, c.get('idem'));
      return ok(c);
    },
  );
  app.post(
    '/query_order_status',
    describeRoute(
      operation({
        tags,
        summary: 'One order of the buyer and its status',
        auth: 'password',
        answer: answers.orderStatus,
        codes: [530, 511, 401, 518, 200],
      }),
    ),
    jsonBody(schemas.queryOrderStatus),
    async (c) => {
      const b = c.req.valid('json');
      const order = await queries.queryOrderStatus(d, b.user_id, passwordOf(c, b.password), b.order_id);
      return ok(c, { order_status: order.status, order });
    },
  );
  app.post(
    '/query_buyer_all_orders',
    describeRoute(
      operation({
        tags,
        summary: "The buyer's orders, newest first, paged",
        auth: 'password',
        answer: answers.buyerOrders,
        codes: [530, 511, 401, 200],
      }),
    ),
    jsonBody(schemas.queryBuyerAllOrders),
    async (c) => {
      const b = c.req.valid('json');
      const page = { page: b.page, page_size: b.page_size };
      const found = await queries.queryBuyerAllOrders(d, b.user_id, passwordOf(c, b.password), page);
      return ok(c, { ...found, ...page });
    },
  );
  app.post(
    '/cancel_order',
    describeRoute(
      operation({
        tags,
        summary: 'Cancel an unpaid order: its stock returns',
        auth: 'password',
        idempotent: true,
        codes: [530, 511, 401, 518, 526, 521, 200],
      }),
    ),
    once,
    jsonBody(schemas.cancelOrder),
    async (c) => {
      const b = c.req.valid('json');
      await orders.cancelOrder(d, b.user_id, passwordOf(c, b.password), b.order_id, c.get('idem'));
      return ok(c);
    },
  );
  app.post(
    '/query_balance',
    describeRoute(
      operation({
        tags,
        summary: "The user's balance (a seller sees the payouts received)",
        auth: 'password',
        answer: answers.balance,
        codes: [530, 401, 200],
      }),
    ),
    jsonBody(schemas.queryBalance),
    async (c) => {
      const b = c.req.valid('json');
      return ok(c, { balance: await accounts.queryBalance(d, b.user_id, passwordOf(c, b.password)) });
    },
  );
  app.post(
    '/auto_cancel_expired_orders',
    describeRoute(
      operation({
        tags,
        summary: 'Cancel now every unpaid order past its deadline',
        description: 'The background worker does the same continuously. Takes no body.',
        answer: answers.autoCancel,
        codes: [200],
      }),
    ),
    async (c) => ok(c, { cancelled: await queries.autoCancelExpiredOrders(d) }),
  );
  return app;
}
