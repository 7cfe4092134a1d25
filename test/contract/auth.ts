/**
 * /auth: register, login (many tokens at once), logout (only that token), password change (every
 * token and the old password stop working), unregister (no login, no action, id not reusable).
 */
import { describe, expect, it } from 'vitest';
import type { Client } from '../support/client.ts';
import {
  balance,
  type ClientFactory,
  expectCode,
  login,
  newShop,
  newUser,
  paidOrder,
  uid,
} from './helpers.ts';

/** A token-guarded action that succeeds for a valid token: opening a fresh store. */
const openStore = (c: Client, user_id: string, token: string) =>
  c.post('/seller/create_store', { user_id, store_id: uid('store') }, { token });

export function authSuite(client: ClientFactory) {
  describe('auth', () => {
    describe('register', () => {
      it('registers a new user id with 200', async () => {
        const user_id = uid('user');
        await expectCode(client().post('/auth/register', { user_id, password: 'secret' }), 200);
        await login(client(), { user_id, password: 'secret' });
      });

      it('refuses an id that already exists with 512 and keeps the first password', async () => {
        const user_id = uid('user');
        await expectCode(client().post('/auth/register', { user_id, password: 'first' }), 200);
        const reply = await expectCode(client().post('/auth/register', { user_id, password: 'second' }), 512);
        expect(reply.body.message).toContain(user_id);
        await expectCode(client().post('/auth/login', { user_id, password: 'second', terminal: 't' }), 401);
        await login(client(), { user_id, password: 'first' });
      });

      it('answers 530 before 512 for an existing id with a missing password', async () => {
        const user = await newUser(client());
        await expectCode(client().post('/auth/register', { user_id: user.user_id }), 530);
      });
    });

    describe('login', () => {
      it('answers a token', async () => {
        const user = await newUser(client());
        const token = await login(client(), user, 'terminal-1');
        expect(token.length).toBeGreaterThan(0);
      });

      it('refuses a wrong password with 401', async () => {
        const user = await newUser(client());
        await expectCode(
          client().post('/auth/login', { user_id: user.user_id, password: 'wrong', terminal: 't' }),
          401,
        );
      });

      it('refuses an unknown user id with 401', async () => {
        await expectCode(
          client().post('/auth/login', { user_id: uid('nobody'), password: 'x', terminal: 't' }),
          401,
        );
      });

      it('answers 530 before 401 when the terminal is missing', async () => {
        await expectCode(client().post('/auth/login', { user_id: uid('nobody'), password: 'x' }), 530);
      });

      it('keeps many tokens valid at once', async () => {
        const user = await newUser(client());
        const first = await login(client(), user, 'phone');
        const second = await login(client(), user, 'laptop');
        expect(first).not.toBe(second);
        await expectCode(openStore(client(), user.user_id, first), 200);
        await expectCode(openStore(client(), user.user_id, second), 200);
        await expectCode(openStore(client(), user.user_id, user.token), 200);
      });

      it('refuses a garbage or missing token with 401', async () => {
        const user = await newUser(client());
        await expectCode(openStore(client(), user.user_id, 'not-a-token'), 401);
        await expectCode(openStore(client(), user.user_id, `${user.token}x`), 401);
        await expectCode(
          client().post('/seller/create_store', { user_id: user.user_id, store_id: uid('store') }),
          401,
        );
      });
    });

    describe('logout', () => {
      it('stops only the token it was called with', async () => {
        const user = await newUser(client());
        const other = await login(client(), user, 'other');
        await expectCode(
          client().post('/auth/logout', { user_id: user.user_id }, { token: user.token }),
          200,
        );
        await expectCode(openStore(client(), user.user_id, user.token), 401);
        await expectCode(openStore(client(), user.user_id, other), 200);
      });

      it('refuses a token already logged out with 401', async () => {
        const user = await newUser(client());
        await expectCode(
          client().post('/auth/logout', { user_id: user.user_id }, { token: user.token }),
          200,
        );
        await expectCode(
          client().post('/auth/logout', { user_id: user.user_id }, { token: user.token }),
          401,
        );
      });

      it('refuses a missing, garbage or other user’s token with 401', async () => {
        const user = await newUser(client());
        const other = await newUser(client());
        await expectCode(client().post('/auth/logout', { user_id: user.user_id }), 401);
        await expectCode(client().post('/auth/logout', { user_id: user.user_id }, { token: 'garbage' }), 401);
        await expectCode(
          client().post('/auth/logout', { user_id: user.user_id }, { token: other.token }),
          401,
        );
        // None of these logged anybody out.
        await expectCode(openStore(client(), user.user_id, user.token), 200);
        await expectCode(openStore(client(), other.user_id, other.token), 200);
      });

      it('answers 401 (not 511) for an unknown user id', async () => {
        const user = await newUser(client());
        await expectCode(
          client().post('/auth/logout', { user_id: uid('nobody') }, { token: user.token }),
          401,
        );
      });
    });

    describe('password', () => {
      it('changes the password and stops every token and the old password', async () => {
        const user = await newUser(client());
        const second = await login(client(), user, 'second');
        await expectCode(
          client().post('/auth/password', {
            user_id: user.user_id,
            oldPassword: user.password,
            newPassword: 'brand-new',
          }),
          200,
        );
        await expectCode(openStore(client(), user.user_id, user.token), 401);
        await expectCode(openStore(client(), user.user_id, second), 401);
        await expectCode(client().post('/auth/logout', { user_id: user.user_id }, { token: second }), 401);
        await expectCode(
          client().post('/auth/login', { user_id: user.user_id, password: user.password, terminal: 't' }),
          401,
        );
        await expectCode(
          client().post('/buyer/query_balance', { user_id: user.user_id, password: user.password }),
          401,
        );
        const fresh = await login(client(), { user_id: user.user_id, password: 'brand-new' });
        await expectCode(openStore(client(), user.user_id, fresh), 200);
      });

      it('refuses a wrong old password with 401 and changes nothing', async () => {
        const user = await newUser(client());
        await expectCode(
          client().post('/auth/password', { user_id: user.user_id, oldPassword: 'wrong', newPassword: 'x' }),
          401,
        );
        await expectCode(openStore(client(), user.user_id, user.token), 200);
        await login(client(), user);
        await expectCode(
          client().post('/auth/login', { user_id: user.user_id, password: 'x', terminal: 't' }),
          401,
        );
      });

      it('refuses an unknown user id with 401', async () => {
        await expectCode(
          client().post('/auth/password', { user_id: uid('nobody'), oldPassword: 'a', newPassword: 'b' }),
          401,
        );
      });

      it('answers 530 before 401 when newPassword is missing', async () => {
        const user = await newUser(client());
        await expectCode(
          client().post('/auth/password', { user_id: user.user_id, oldPassword: 'wrong' }),
          530,
        );
        await login(client(), user);
      });
    });

    describe('unregister', () => {
      it('closes the account: no login, no token, no password action', async () => {
        const user = await newUser(client(), 500);
        await expectCode(
          client().post('/auth/unregister', { user_id: user.user_id, password: user.password }),
          200,
        );
        await expectCode(
          client().post('/auth/login', { user_id: user.user_id, password: user.password, terminal: 't' }),
          401,
        );
        await expectCode(openStore(client(), user.user_id, user.token), 401);
        await expectCode(
          client().post('/auth/logout', { user_id: user.user_id }, { token: user.token }),
          401,
        );
        await expectCode(
          client().post('/buyer/query_balance', { user_id: user.user_id, password: user.password }),
          401,
        );
        await expectCode(
          client().post('/buyer/add_funds', { user_id: user.user_id, password: user.password, add_value: 5 }),
          401,
        );
        await expectCode(
          client().post('/auth/unregister', { user_id: user.user_id, password: user.password }),
          401,
        );
      });

      it('never lets the id be registered again (512)', async () => {
        const user = await newUser(client());
        await expectCode(
          client().post('/auth/unregister', { user_id: user.user_id, password: user.password }),
          200,
        );
        await expectCode(client().post('/auth/register', { user_id: user.user_id, password: 'again' }), 512);
        await expectCode(
          client().post('/auth/login', { user_id: user.user_id, password: 'again', terminal: 't' }),
          401,
        );
      });

      it('refuses a wrong password with 401 and keeps the account', async () => {
        const user = await newUser(client(), 300);
        await expectCode(
          client().post('/auth/unregister', { user_id: user.user_id, password: 'wrong' }),
          401,
        );
        expect(await balance(client(), user)).toBe(300);
        await expectCode(openStore(client(), user.user_id, user.token), 200);
      });

      it('refuses an unknown user id with 401', async () => {
        await expectCode(client().post('/auth/unregister', { user_id: uid('nobody'), password: 'x' }), 401);
      });

      it('keeps the orders of an unregistered buyer recorded for the seller', async () => {
        const shop = await newShop(client());
        const order_id = await paidOrder(client(), shop);
        await expectCode(
          client().post('/auth/unregister', { user_id: shop.buyer.user_id, password: shop.buyer.password }),
          200,
        );
        const reply = await expectCode(
          client().post('/seller/query_one_store_orders', {
            user_id: shop.seller.user_id,
            password: shop.seller.password,
            store_id: shop.store_id,
          }),
          200,
        );
        const orders = reply.body.orders as { order_id: string; status: string; buyer_id: string }[];
        expect(orders).toEqual([
          expect.objectContaining({ order_id, status: 'paid', buyer_id: shop.buyer.user_id }),
        ]);
      });
    });
  });
}
