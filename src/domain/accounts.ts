/**
 * Accounts: register, unregister, log in and out, change password, top up or withdraw, balance.
 */
import type { PasswordAttempt } from '../auth/guard.ts';
import { hashPassword } from '../auth/passwords.ts';
import { DomainError, expectOk } from '../errors.ts';
import { Code } from '../lua/codes.ts';
import type { IdemMark } from '../lua/scripts.ts';
import type { Deps } from './deps.ts';

export async function register(d: Deps, user: string, password: string, idem?: IdemMark): Promise<void> {
  // The key's record is started only while the id is free: it is the registrant's from then on.
  await idem?.start?.(user, '');
  const pwHash = await hashPassword(password);
  expectOk(await d.actors.send(d.scripts.register(user, pwHash, d.now(), idem)), { user_id: user });
}

export async function unregister(
  d: Deps,
  user: string,
  password: PasswordAttempt,
  idem?: IdemMark,
): Promise<void> {
  await d.guard.withPassword(
    user,
    password,
    Code.AUTH_FAILED,
    (epoch) => d.actors.send(d.scripts.unregister(user, epoch, idem)),
    idem?.start,
  );
  d.cache.forget(user);
}

export async function login(
  d: Deps,
  user: string,
  password: PasswordAttempt,
  terminal: string,
): Promise<string> {
  const { epoch } = await d.guard.checkPasswordNow(user, password, Code.AUTH_FAILED);
  return d.tokens.issue(user, terminal, epoch, d.now());
}

export async function logout(
  d: Deps,
  user: string,
  token: string | undefined,
  idem?: IdemMark,
): Promise<void> {
  const claims = d.tokens.read(token, user, d.now());
  const held = claims && { epoch: claims.e, tokenId: claims.j, expiresAt: claims.x };
  const reply = held && (await d.actors.send(d.scripts.logout(user, held, d.now(), idem)));
  // Logout fails only with AUTH_FAILED: an unknown user is an invalid token too.
  if (reply?.code !== Code.OK) throw new DomainError(Code.AUTH_FAILED, { user_id: user });
}

export async function changePassword(
  d: Deps,
  user: string,
  oldPassword: PasswordAttempt,
  newPassword: string,
  idem?: IdemMark,
) {
  const pwHash = await hashPassword(newPassword);
  await d.guard.withPassword(
    user,
    oldPassword,
    Code.AUTH_FAILED,
    (epoch) => d.actors.send(d.scripts.changePassword(user, epoch, pwHash, idem)),
    idem?.start,
  );
  d.cache.forget(user);
}

export async function addFunds(
  d: Deps,
  user: string,
  password: PasswordAttempt,
  delta: number,
  idem?: IdemMark,
): Promise<void> {
  const reply = await d.guard.withPassword(
    user,
    password,
    Code.AUTH_FAILED,
    (epoch) => d.actors.send(d.scripts.addFunds(user, epoch, delta, idem)),
    idem?.start,
  );
  expectOk(reply, { user_id: user });
}

export async function queryBalance(d: Deps, user: string, password: PasswordAttempt): Promise<number> {
  return d.guard.readAs(user, password, Code.AUTH_FAILED, async () => {
    const [epoch, value] = await d.redis.hmget(d.keys.user(user), 'epoch', 'balance');
    return { epoch, value: Number(value ?? 0) };
  });
}
