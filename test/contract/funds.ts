/**
 * Money: /buyer/add_funds (top-ups and withdrawals, limits), /buyer/query_balance, and
 * /buyer/auto_cancel_expired_orders answering a count (its timing is covered elsewhere).
 */
import { describe, expect, it } from 'vitest';
import {
  addFunds,
  balance,
  type ClientFactory,
  expectCode,
  newShop,
  newUser,
  orderAction,
  PRICE_A,
  placeOrder,
  stock,
  uid,
} from './helpers.ts';

const MAX = 1_000_000_000_000;

export function fundsSuite(client: ClientFactory) {
  describe('buyer: add_funds', () => {
    it('adds exactly the given amount, repeatedly', async () => {
      const user = await newUser(client());
      expect(await balance(client(), user)).toBe(0);
      await expectCode(addFunds(client(), user, 1_500), 200);
      await expectCode(addFunds(client(), user, 1), 200);
      expect(await balance(client(), user)).toBe(1_501);
    });

    it('withdraws with a negative value, down to exactly zero', async () => {
      const user = await newUser(client(), 1_000);
      await expectCode(addFunds(client(), user, -400), 200);
      expect(await balance(client(), user)).toBe(600);
      await expectCode(addFunds(client(), user, -600), 200);
      expect(await balance(client(), user)).toBe(0);
    });

    it('refuses a withdrawal larger than the balance with 519 and keeps the balance', async () => {
      const user = await newUser(client(), 1_000);
      const reply = await expectCode(addFunds(client(), user, -1_001), 519);
      expect(reply.body.message).toContain(user.user_id);
      expect(await balance(client(), user)).toBe(1_000);
      const empty = await newUser(client());
      await expectCode(addFunds(client(), empty, -1), 519);
      expect(await balance(client(), empty)).toBe(0);
    });

    it('accepts |add_value| = 10^12 and refuses more with 530', async () => {
      const user = await newUser(client());
      await expectCode(addFunds(client(), user, MAX + 1), 530);
      await expectCode(addFunds(client(), user, -(MAX + 1)), 530);
      expect(await balance(client(), user)).toBe(0);
      await expectCode(addFunds(client(), user, MAX), 200);
      expect(await balance(client(), user)).toBe(MAX);
      await expectCode(addFunds(client(), user, -MAX), 200);
      expect(await balance(client(), user)).toBe(0);
    });

    it('refuses add_value 0, a fraction or a string with 530 naming add_value', async () => {
      const user = await newUser(client(), 50);
      for (const add_value of [0, 1.5, -0.5, '100', null]) {
        const reply = await expectCode(
          client().post('/buyer/add_funds', { user_id: user.user_id, password: user.password, add_value }),
          530,
        );
        expect(reply.body.message).toContain('add_value');
      }
      expect(await balance(client(), user)).toBe(50);
    });

    it('answers 401 for a wrong password or an unknown user, after 530 and before 519', async () => {
      const user = await newUser(client(), 50);
      const wrong = { user_id: user.user_id, password: 'wrong' };
      await expectCode(addFunds(client(), wrong, 0), 530);
      await expectCode(addFunds(client(), wrong, 10), 401);
      await expectCode(addFunds(client(), wrong, -1_000), 401);
      await expectCode(addFunds(client(), { user_id: uid('nobody'), password: 'x' }, 10), 401);
      expect(await balance(client(), user)).toBe(50);
    });
  });

  describe('buyer: query_balance', () => {
    it('answers 0 for a new user', async () => {
      const user = await newUser(client());
      const reply = await expectCode(
        client().post('/buyer/query_balance', { user_id: user.user_id, password: user.password }),
        200,
      );
      expect(reply.body.balance).toBe(0);
    });

    it('answers 401 for a wrong password or an unknown user, 530 for a missing password', async () => {
      const user = await newUser(client());
      await expectCode(
        client().post('/buyer/query_balance', { user_id: user.user_id, password: 'wrong' }),
        401,
      );
      await expectCode(client().post('/buyer/query_balance', { user_id: uid('nobody'), password: 'x' }), 401);
      await expectCode(client().post('/buyer/query_balance', { user_id: user.user_id }), 530);
    });
  });

  describe('buyer: auto_cancel_expired_orders', () => {
    it('answers 200 with a numeric count, with or without a body', async () => {
      const empty = await expectCode(client().post('/buyer/auto_cancel_expired_orders', {}), 200);
      expect(typeof empty.body.cancelled).toBe('number');
      const none = await expectCode(client().post('/buyer/auto_cancel_expired_orders', undefined), 200);
      expect(typeof none.body.cancelled).toBe('number');
    });

    it('neither returns a cancelled order’s stock again nor pays a received order again', async () => {
      const shop = await newShop(client(), 10_000);
      const cancelled = await placeOrder(client(), shop.buyer, shop.store_id, [{ id: shop.b, count: 3 }]);
      await expectCode(orderAction(client(), '/buyer/cancel_order', shop.buyer, cancelled), 200);
      const received = await placeOrder(client(), shop.buyer, shop.store_id, [{ id: shop.a, count: 1 }]);
      await expectCode(orderAction(client(), '/buyer/pay_to_platform', shop.buyer, received), 200);
      await expectCode(
        orderAction(client(), '/buyer/confirm_receipt_and_pay_toseller', shop.buyer, received),
        200,
      );
      await expectCode(client().post('/buyer/auto_cancel_expired_orders', {}), 200);
      expect(await stock(client(), shop.store_id, shop.b)).toBe(5);
      expect(await stock(client(), shop.store_id, shop.a)).toBe(9);
      expect(await balance(client(), shop.seller)).toBe(PRICE_A);
      expect(await balance(client(), shop.buyer)).toBe(10_000 - PRICE_A);
    });

    it('leaves an unpaid order within its deadline alone', async () => {
      const shop = await newShop(client());
      const id = await placeOrder(client(), shop.buyer, shop.store_id, [{ id: shop.a, count: 2 }]);
      await expectCode(client().post('/buyer/auto_cancel_expired_orders', {}), 200);
      const reply = await expectCode(orderAction(client(), '/buyer/query_order_status', shop.buyer, id), 200);
      expect(reply.body.order_status).toBe('unpaid');
      expect(await stock(client(), shop.store_id, shop.a)).toBe(8);
    });
  });
}
