/**
 * The client address a request came from, for the wrong-password limit: the peer of its connection
 * as the server saw it (Node: @hono/node-server's bindings; Deno: `Deno.serve`'s handler info), never
 * a header a client could forge. An app called in process (`app.request()` with no bindings) has no
 * peer: its requests share the one address `unknown`. IPv6 clients are grouped by their /64, the
 * block one subscriber usually holds; an IPv4-mapped IPv6 address is its IPv4 address.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { PasswordAttempt } from '../auth/guard.ts';

/** What Node's and Deno's servers hand the app as `c.env`. */
type Bindings = { incoming?: { socket?: unknown }; remoteAddr?: { hostname?: unknown } } | undefined;

export const UNKNOWN_ADDRESS = 'unknown';

export function clientAddress(c: Context): string {
  const env = c.env as Bindings;
  let peer: unknown;
  if (env?.incoming?.socket) peer = getConnInfo(c).remote.address;
  else peer = env?.remoteAddr?.hostname;
  return typeof peer === 'string' && peer !== '' ? addressGroup(peer) : UNKNOWN_ADDRESS;
}

/** The password of a request, with the address it came from. */
export const passwordOf = (c: Context, password: string): PasswordAttempt => ({
  password,
  client: clientAddress(c),
});

/** An IPv4 address as it is; an IPv6 address as its /64 (`2001:db8:0:1::/64`). */
export function addressGroup(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (!address.includes(':')) return address;
  const [head = '', tail] = address.split('%')[0]?.toLowerCase().split('::') ?? [];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? 0 : 8 - left.length - right.length;
  const groups = [...left, ...Array.from({ length: Math.max(0, zeros) }, () => '0'), ...right];
  const prefix = groups.slice(0, 4).map((g) => Number.parseInt(g || '0', 16).toString(16));
  return `${prefix.join(':')}::/64`;
}
