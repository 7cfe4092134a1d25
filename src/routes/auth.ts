/**
 * /auth: register, unregister, login, logout, password.
 */
import { Hono } from 'hono';
import * as accounts from '../domain/accounts.ts';
import type { Deps } from '../domain/deps.ts';
import { parseBody } from '../http/body.ts';
import { passwordOf } from '../http/client-address.ts';
import { type AppEnv, idempotent } from '../http/idempotency.ts';
import { ok } from '../http/respond.ts';
import { schemas } from '../http/schemas.ts';
import { Code } from '../lua/codes.ts';

export function authRoutes(d: Deps) {
  const once = idempotent(d, { auth: 'password' });
  return new Hono<AppEnv>()
    .post('/register', idempotent(d, { auth: 'new-user' }), async (c) => {
      const b = await parseBody(c, schemas.register);
      await accounts.register(d, b.user_id, b.password, c.get('idem'));
      return ok(c);
    })
    .post('/unregister', once, async (c) => {
      const b = await parseBody(c, schemas.unregister);
      await accounts.unregister(d, b.user_id, passwordOf(c, b.password), c.get('idem'));
      return ok(c);
    })
    .post('/login', async (c) => {
      const b = await parseBody(c, schemas.login);
      const token = await accounts.login(d, b.user_id, passwordOf(c, b.password), b.terminal);
      return ok(c, { token });
    })
    .post('/logout', idempotent(d, { auth: 'token', unknownUser: Code.AUTH_FAILED }), async (c) => {
      const b = await parseBody(c, schemas.logout);
      await accounts.logout(d, b.user_id, c.req.header('token'), c.get('idem'));
      return ok(c);
    })
    .post('/password', once, async (c) => {
      const b = await parseBody(c, schemas.changePassword);
      const old = passwordOf(c, b.oldPassword);
      await accounts.changePassword(d, b.user_id, old, b.newPassword, c.get('idem'));
      return ok(c);
    });
}
