/**
 * Bad input of any kind answers 530 naming the field and changes nothing; bodies over 8 MiB 413;
 * unknown paths 404; GET on a POST path 405. Every answer is JSON with `code` = status and `message`.
 */
import { describe, expect, it } from 'vitest';
import {
  addFunds,
  balance,
  type ClientFactory,
  expectCode,
  newShop,
  newUser,
  orderRequest,
  stock,
  uid,
} from './helpers.ts';

const MiB = 1024 * 1024;

/** Every POST path of the contract (search excluded). */
const POST_PATHS = [
  '/auth/register',
  '/auth/unregister',
  '/auth/login',
  '/auth/logout',
  '/auth/password',
  '/seller/create_store',
  '/seller/add_book',
  '/seller/add_stock_level',
  '/seller/ship',
  '/seller/query_one_store_orders',
  '/seller/query_all_store_orders',
  '/seller/get_stock_level',
  '/buyer/new_order',
  '/buyer/pay_to_platform',
  '/buyer/payment',
  '/buyer/add_funds',
  '/buyer/confirm_receipt_and_pay_toseller',
  '/buyer/query_order_status',
  '/buyer/query_buyer_all_orders',
  '/buyer/cancel_order',
  '/buyer/query_balance',
];

export function badInputSuite(client: ClientFactory) {
  describe('bad input', () => {
    it('answers 530 naming the missing field', async () => {
      const reply = await expectCode(client().post('/auth/register', { password: 'x' }), 530);
      expect(reply.body.message).toContain('user_id');
      const order = await expectCode(
        client().post('/buyer/pay_to_platform', { user_id: 'u', password: 'p' }),
        530,
      );
      expect(order.body.message).toContain('order_id');
    });

    it('answers 530 on every endpoint for an empty object', async () => {
      for (const path of POST_PATHS) {
        const reply = await client().post(path, {});
        expect({ path, status: reply.status, code: reply.body.code }).toEqual({
          path,
          status: 530,
          code: 530,
        });
        expect(typeof reply.body.message).toBe('string');
      }
    });

    it('answers 530 for a wrong type and changes nothing', async () => {
      const user_id = uid('user');
      await expectCode(client().post('/auth/register', { user_id: 12345, password: 'x' }), 530);
      const reply = await expectCode(client().post('/auth/register', { user_id, password: ['x'] }), 530);
      expect(reply.body.message).toContain('password');
      // The refused registration created nothing.
      await expectCode(client().post('/auth/login', { user_id, password: 'x', terminal: 't' }), 401);
      await expectCode(client().post('/auth/register', { user_id, password: 'x' }), 200);
    });

    it('answers 530 for wrongly typed order lines and reserves nothing', async () => {
      const shop = await newShop(client());
      const post = (books: unknown) =>
        client().post(
          '/buyer/new_order',
          { user_id: shop.buyer.user_id, store_id: shop.store_id, books },
          { token: shop.buyer.token },
        );
      await expectCode(post({ id: shop.a, count: 1 }), 530);
      await expectCode(post([]), 530);
      await expectCode(post([{ id: shop.a, count: '1' }]), 530);
      await expectCode(post([{ id: shop.a }]), 530);
      await expectCode(post([{ id: 7, count: 1 }]), 530);
      const zero = await expectCode(
        orderRequest(client(), shop.buyer, shop.store_id, [{ id: shop.a, count: 0 }]),
        530,
      );
      expect(zero.body.message).toContain('count');
      await expectCode(orderRequest(client(), shop.buyer, shop.store_id, [{ id: shop.a, count: -2 }]), 530);
      expect(await stock(client(), shop.store_id, shop.a)).toBe(10);
    });

    it('answers 530 for money that is not an integer, naming the field', async () => {
      const seller = await newUser(client());
      const store_id = uid('store');
      await expectCode(
        client().post('/seller/create_store', { user_id: seller.user_id, store_id }, { token: seller.token }),
        200,
      );
      const id = uid('book');
      const reply = await expectCode(
        client().post(
          '/seller/add_book',
          { user_id: seller.user_id, store_id, book_info: { id, title: 'T', price: 12.5 }, stock_level: 1 },
          { token: seller.token },
        ),
        530,
      );
      expect(reply.body.message).toContain('price');
      await expectCode(
        client().post(
          '/seller/add_book',
          { user_id: seller.user_id, store_id, book_info: { id, title: 'T', price: '12' }, stock_level: 1 },
          { token: seller.token },
        ),
        530,
      );
      await expectCode(client().post('/seller/get_stock_level', { store_id, book_id: id }), 515);
      const buyer = await newUser(client(), 100);
      const funds = await expectCode(addFunds(client(), buyer, 0.01), 530);
      expect(funds.body.message).toContain('add_value');
      expect(await balance(client(), buyer)).toBe(100);
    });

    it('answers 530 for an empty id or one longer than 256 characters', async () => {
      await expectCode(client().post('/auth/register', { user_id: '', password: 'x' }), 530);
      await expectCode(client().post('/auth/register', { user_id: 'x'.repeat(257), password: 'x' }), 530);
    });

    it('answers 530 for malformed JSON', async () => {
      for (const raw of ['{"user_id": ', '{user_id: "a"}', "{'a': 1}", 'not json at all', '']) {
        const reply = await expectCode(client().post('/auth/register', raw), 530);
        expect(reply.body.message.length).toBeGreaterThan(0);
      }
      await expectCode(client().post('/buyer/add_funds', '{"user_id":"a","password":"b","add_value":1'), 530);
    });

    it('answers 530 for a body that is not an object', async () => {
      for (const raw of ['[]', '[{"user_id":"a","password":"b"}]', '"text"', '42', 'null', 'true']) {
        await expectCode(client().post('/auth/register', raw), 530);
        await expectCode(client().post('/buyer/query_balance', raw), 530);
      }
    });

    it('accepts a body of about 2.5 MB (a book with pictures)', async () => {
      const seller = await newUser(client());
      const store_id = uid('store');
      await expectCode(
        client().post('/seller/create_store', { user_id: seller.user_id, store_id }, { token: seller.token }),
        200,
      );
      const picture = Buffer.alloc(Math.floor(1.9 * MiB), 7).toString('base64');
      expect(picture.length).toBeGreaterThan(2.5 * 1000 * 1000);
      const book_info = { id: uid('book'), title: 'Big', price: 1, pictures: [picture] };
      await expectCode(
        client().post(
          '/seller/add_book',
          { user_id: seller.user_id, store_id, book_info, stock_level: 2 },
          { token: seller.token },
        ),
        200,
      );
      expect(await stock(client(), store_id, book_info.id)).toBe(2);
    });

    it('answers 413 for a body over 8 MiB and changes nothing', async () => {
      const user = await newUser(client(), 10);
      const body = JSON.stringify({
        user_id: user.user_id,
        password: user.password,
        add_value: 5,
        padding: 'x'.repeat(8 * MiB),
      });
      expect(body.length).toBeGreaterThan(8 * MiB);
      await expectCode(client().post('/buyer/add_funds', body), 413);
      expect(await balance(client(), user)).toBe(10);
    });

    it('answers 404 in JSON for an unknown path', async () => {
      await expectCode(client().post('/no/such/path', {}), 404);
      await expectCode(client().get('/buyer/nothing_here'), 404);
    });

    it('answers 405 in JSON for GET on a POST path', async () => {
      for (const path of ['/auth/login', '/buyer/new_order', '/seller/get_stock_level']) {
        await expectCode(client().get(path), 405);
      }
    });
  });
}
