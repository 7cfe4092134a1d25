/**
 * For the Redis outage tests: a world of users, a store and a book set up over HTTP, the requests
 * sent while Redis is away (one of each way a request reaches Redis: a direct password read, a direct
 * token check, an Idempotency-Key record, an actor's script, a saga, a search), each timed, and a poll
 * that measures how soon requests succeed again.
 */
import type { Client, Reply } from './client.ts';
import { expectOk, newStore, newUser, uid } from './client.ts';

export type World = Awaited<ReturnType<typeof setUpWorld>>;

export async function setUpWorld(client: Client) {
  const seller = await newUser(client);
  const buyer = await newUser(client, 1_000);
  const book = uid('book');
  const store_id = await newStore(client, seller, [{ id: book, price: 10, stock: 1_000 }]);
  // Registered, never logged in: its password is in no process's verification cache.
  const cold = { user_id: uid('cold'), password: 'cold-password' };
  await expectOk(client.post('/auth/register', cold));
  return { seller, buyer, store_id, book, cold };
}

export interface Timed {
  name: string;
  reply: Reply;
  ms: number;
}

async function timed(name: string, pending: Promise<Reply>): Promise<Timed> {
  const started = performance.now();
  const reply = await pending;
  return { name, reply, ms: Math.round(performance.now() - started) };
}

/** The requests sent during an outage, all at once; `key` is the Idempotency-Key of a top-up. */
export function duringOutage(client: Client, w: World, key: string): Promise<Timed[]> {
  const { buyer, cold } = w;
  const token = { token: buyer.token };
  return Promise.all([
    timed('login (password read)', client.post('/auth/login', { ...cold, terminal: 't' })),
    timed('query_balance (direct reads)', client.post('/buyer/query_balance', cold)),
    timed('logout (token check)', client.post('/auth/logout', { user_id: buyer.user_id }, token)),
    timed(
      'add_funds with Idempotency-Key',
      client.post('/buyer/add_funds', { ...buyer, add_value: 7 }, { 'Idempotency-Key': key }),
    ),
    timed('add_funds (actor)', client.post('/buyer/add_funds', { ...buyer, add_value: 1 })),
    timed('register (actor)', client.post('/auth/register', { user_id: uid('new'), password: 'pw' })),
    timed(
      'new_order (saga)',
      client.post(
        '/buyer/new_order',
        { user_id: buyer.user_id, store_id: w.store_id, books: [{ id: w.book, count: 1 }] },
        token,
      ),
    ),
  ]);
}

/** Both health probes, timed. */
export const probes = (client: Client) =>
  Promise.all([timed('/readyz', client.get('/readyz')), timed('/healthz', client.get('/healthz'))]);

/** Sends a request that needs Redis every 100 ms until one answers 200; how long that took. */
export async function msUntilServing(client: Client, w: World, limitMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const reply = await client.post('/buyer/query_balance', w.cold);
    const ms = Math.round(performance.now() - started);
    if (reply.status === 200 || ms > limitMs) return ms;
    await new Promise((r) => setTimeout(r, 100));
  }
}
