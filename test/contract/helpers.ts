/**
 * Shared steps of the contract suites: asserting a result code, reading balances and stock levels,
 * placing and paying orders, and a ready-made shop (a seller with a store and books, a funded buyer).
 */
import { expect } from 'vitest';
import { type Client, expectOk, newStore, newUser, type Reply, uid } from '../support/client.ts';

export type User = Awaited<ReturnType<typeof newUser>>;
export type ClientFactory = () => Client;

/** Asserts the HTTP status, that the body's `code` equals it and that `message` is a string. */
export async function expectCode(pending: Promise<Reply>, code: number): Promise<Reply> {
  const reply = await pending;
  expect({ status: reply.status, body: reply.body }).toMatchObject({
    status: code,
    body: { code, message: expect.any(String) },
  });
  expect(reply.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  if (code === 200) expect(reply.body.message).toBe('ok');
  return reply;
}

export async function balance(c: Client, user: { user_id: string; password: string }): Promise<number> {
  const reply = await expectCode(
    c.post('/buyer/query_balance', { user_id: user.user_id, password: user.password }),
    200,
  );
  expect(typeof reply.body.balance).toBe('number');
  return reply.body.balance as number;
}

export async function stock(c: Client, store_id: string, book_id: string): Promise<number> {
  const reply = await expectCode(c.post('/seller/get_stock_level', { store_id, book_id }), 200);
  expect(typeof reply.body.stock_level).toBe('number');
  return reply.body.stock_level as number;
}

export async function login(c: Client, user: { user_id: string; password: string }, terminal = 'test') {
  const reply = await expectCode(
    c.post('/auth/login', { user_id: user.user_id, password: user.password, terminal }),
    200,
  );
  expect(typeof reply.body.token).toBe('string');
  return reply.body.token as string;
}

/** Posts /buyer/new_order as `buyer` (with its token). */
export const orderRequest = (
  c: Client,
  buyer: { user_id: string; token: string },
  store_id: string,
  books: { id: string; count: number }[],
) => c.post('/buyer/new_order', { user_id: buyer.user_id, store_id, books }, { token: buyer.token });

/** Places an order that must succeed; returns its id. */
export async function placeOrder(
  c: Client,
  buyer: { user_id: string; token: string },
  store_id: string,
  books: { id: string; count: number }[],
): Promise<string> {
  const reply = await expectCode(orderRequest(c, buyer, store_id, books), 200);
  expect(typeof reply.body.order_id).toBe('string');
  return reply.body.order_id as string;
}

/** Posts one of the buyer's password endpoints about an order. */
export const orderAction = (
  c: Client,
  path: string,
  user: { user_id: string; password: string },
  order_id: string,
) => c.post(path, { user_id: user.user_id, password: user.password, order_id });

/** The status of `buyer`'s order `id`, expecting 200. */
export const orderStatus = async (c: Client, buyer: { user_id: string; password: string }, id: string) =>
  (await expectCode(orderAction(c, '/buyer/query_order_status', buyer, id), 200)).body.order_status;

export const ship = (c: Client, seller: User, store_id: string, order_id: string) =>
  c.post('/seller/ship', { user_id: seller.user_id, store_id, order_id }, { token: seller.token });

export const addFunds = (c: Client, user: { user_id: string; password: string }, add_value: number) =>
  c.post('/buyer/add_funds', { user_id: user.user_id, password: user.password, add_value });

export interface Shop {
  seller: User;
  buyer: User;
  store_id: string;
  /** Book ids: `a` costs 1250 (stock 10), `b` costs 399 (stock 5). */
  a: string;
  b: string;
}

export const PRICE_A = 1250;
export const PRICE_B = 399;

/** A seller with a store holding books a (1250 ×10) and b (399 ×5), and a buyer with `funds`. */
export async function newShop(c: Client, funds = 100_000): Promise<Shop> {
  const seller = await newUser(c);
  const a = uid('book');
  const b = uid('book');
  const store_id = await newStore(c, seller, [
    { id: a, price: PRICE_A, stock: 10 },
    { id: b, price: PRICE_B, stock: 5 },
  ]);
  const buyer = await newUser(c, funds);
  return { seller, buyer, store_id, a, b };
}

/** Places and pays an order of one `a`; returns its id. */
export async function paidOrder(c: Client, shop: Shop, count = 1): Promise<string> {
  const order_id = await placeOrder(c, shop.buyer, shop.store_id, [{ id: shop.a, count }]);
  await expectCode(orderAction(c, '/buyer/pay_to_platform', shop.buyer, order_id), 200);
  return order_id;
}

export { expectOk, newStore, newUser, uid };

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
