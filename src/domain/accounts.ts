/**
 * Accounts: register, unregister, log in and out, change password, top up or withdraw, balance.
 */

import { hashPassword } from '../auth/passwords.ts';
import { Code, expectOk, scriptError } from '../lua/codes.ts';
import type { IdemMark } from '../lua/scripts.ts';
import type { Deps } from './deps.ts';

export async function register(d: Deps, user: string, password: string, idem?: IdemMark): Promise<void> {
  const pwHash = await hashPassword(password);
  expectOk(await d.actors.user(user, { type: 'register', pwHash, now: d.now(), idem }), { user_id: user });
}

export async function unregister(d: Deps, user: string, password: string, idem?: IdemMark): Promise<void> {
  await d.guard.withPassword(user, password, 401, (epoch) =>
    d.actors.user(user, { type: 'unregister', epoch, idem }),
  );
  d.cache.forget(user);
}

export async function login(d: Deps, user: string, password: string, terminal: string): Promise<string> {
  const { epoch } = await d.guard.checkPasswordNow(user, password, 401);
  return d.tokens.issue(user, terminal, epoch, d.now());
}

export async function logout(
  d: Deps,
  user: string,
  token: string | undefined,
  idem?: IdemMark,
): Promise<void> {
  const claims = d.tokens.read(token, user, d.now());
  const reply = claims
    ? await d.actors.user(user, {
        type: 'revokeToken',
        epoch: claims.e,
        tokenId: claims.j,
        expiresAt: claims.x,
        now: d.now(),
        idem,
      })
    : undefined;
  // Logout answers only 401 or 200: an unknown user is an invalid token too.
  if (reply?.code !== Code.OK) throw scriptError(Code.AUTH_FAILED, { user_id: user });
}

export async function changePassword(
  d: Deps,
  user: string,
  oldPassword: string,
  newPassword: string,
  idem?: IdemMark,
) {
  const pwHash = await hashPassword(newPassword);
  await d.guard.withPassword(user, oldPassword, 401, (epoch) =>
    d.actors.user(user, { type: 'changePassword', epoch, pwHash, idem }),
  );
  d.cache.forget(user);
}

export async function addFunds(
  d: Deps,
  user: string,
  password: string,
  delta: number,
  idem?: IdemMark,
): Promise<void> {
  const reply = await d.guard.withPassword(user, password, 401, (epoch) =>
    d.actors.user(user, { type: 'addFunds', epoch, delta, idem }),
  );
  expectOk(reply, { user_id: user });
}

export async function balance(d: Deps, user: string, password: string): Promise<number> {
  return d.guard.readAs(user, password, 401, async () => {
    const [epoch, value] = await d.redis.hmget(d.keys.user(user), 'epoch', 'balance');
    return { epoch, value: Number(value ?? 0) };
  });
}
