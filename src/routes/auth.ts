/**
 * /auth: register, unregister, login, logout, password.
 */
import { Hono } from 'hono';
import * as accounts from '../domain/accounts.ts';
import type { Deps } from '../domain/deps.ts';
import { jsonBody } from '../http/body.ts';
import { passwordOf } from '../http/client-address.ts';
import { type AppEnv, idempotent } from '../http/idempotency.ts';
import { describeRoute, operation } from '../http/openapi.ts';
import { ok } from '../http/respond.ts';
import { answers, schemas } from '../http/schemas.ts';
import { Code } from '../lua/codes.ts';

const tags: ['auth'] = ['auth'];

export function authRoutes(d: Deps) {
  const once = idempotent(d, { auth: 'password' });
  return new Hono<AppEnv>()
    .post(
      '/register',
      describeRoute(
        operation({ tags, summary: 'Register a user', idempotent: 'new-user', codes: [530, 512, 200] }),
      ),
      idempotent(d, { auth: 'new-user' }),
      jsonBody(schemas.register),
      async (c) => {
        const b = c.req.valid('json');
        await accounts.register(d, b.user_id, b.password, c.get('idem'));
        return ok(c);
      },
    )
    .post(
      '/unregister',
      describeRoute(
        operation({
          tags,
          summary: 'Close a user',
          description:
            'The id can no longer log in or act; its orders and money stay recorded, and the id is not reusable.',
          auth: 'password',
          idempotent: true,
          codes: [530, 401, 200],
        }),
      ),
      once,
      jsonBody(schemas.unregister),
      async (c) => {
        const b = c.req.valid('json');
        await accounts.unregister(d, b.user_id, passwordOf(c, b.password), c.get('idem'));
        return ok(c);
      },
    )
    .post(
      '/login',
      describeRoute(
        operation({
          tags,
          summary: 'Log in on a terminal',
          description:
            'Tokens are per terminal and expire (default 1 h); many may be valid at once (a client may log in repeatedly).',
          auth: 'password',
          answer: answers.login,
          codes: [530, 401, 200],
        }),
      ),
      jsonBody(schemas.login),
      async (c) => {
        const b = c.req.valid('json');
        const token = await accounts.login(d, b.user_id, passwordOf(c, b.password), b.terminal);
        return ok(c, { token });
      },
    )
    .post(
      '/logout',
      describeRoute(
        operation({
          tags,
          summary: 'Log out: the token stops working',
          auth: 'token',
          idempotent: true,
          codes: [530, [401, 'the token is not valid for `user_id` (also for an unknown user)'], 200],
        }),
      ),
      idempotent(d, { auth: 'token', unknownUser: Code.AUTH_FAILED }),
      jsonBody(schemas.logout),
      async (c) => {
        const b = c.req.valid('json');
        await accounts.logout(d, b.user_id, c.req.header('token'), c.get('idem'));
        return ok(c);
      },
    )
    .post(
      '/password',
      describeRoute(
        operation({
          tags,
          summary: 'Change the password: every token of the user stops working',
          auth: 'password',
          idempotent: true,
          codes: [530, 401, 200],
        }),
      ),
      once,
      jsonBody(schemas.changePassword),
      async (c) => {
        const b = c.req.valid('json');
        const old = passwordOf(c, b.oldPassword);
        await accounts.changePassword(d, b.user_id, old, b.newPassword, c.get('idem'));
        return ok(c);
      },
    );
}
