/**
 * The one client interface the contract suite is written against: in-process (`app.request()`) or
 * real HTTP to a server on Node or Deno. Plus small helpers that run the common set-up steps.
 */
export interface Reply {
  status: number;
  headers: Headers;
  body: { code: number; message: string; [field: string]: unknown };
}

export interface Client {
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply>;
  get(path: string): Promise<Reply>;
}

/** A client over any fetch-like sender: real HTTP, or an app's `request()`. */
export function clientFor(send: (path: string, init: RequestInit) => Response | Promise<Response>): Client {
  const reply = async (path: string, init: RequestInit): Promise<Reply> => {
    const response = await send(path, init);
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Reply['body'],
    };
  };
  return {
    post: (path, body, headers = {}) =>
      reply(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    get: (path) => reply(path, { method: 'GET' }),
  };
}

/** A client over real HTTP to `baseUrl`. */
export const httpClient = (baseUrl: string): Client => clientFor((path, init) => fetch(baseUrl + path, init));

let counter = 0;
/** An id unique within the run, readable in failures. */
export const uid = (kind: string) => `${kind}_${process.pid}_${Date.now().toString(36)}_${++counter}`;

/** Registers a user and logs in; returns the id, password and token. */
export async function newUser(client: Client, funds = 0) {
  const user_id = uid('user');
  const password = `pw-${user_id}`;
  await expectOk(client.post('/auth/register', { user_id, password }));
  const login = await expectOk(client.post('/auth/login', { user_id, password, terminal: 'test' }));
  const token = String(login.body.token);
  if (funds) await expectOk(client.post('/buyer/add_funds', { user_id, password, add_value: funds }));
  return { user_id, password, token };
}

/** Opens a store for `seller` with books `{id, price, stock}`. */
export async function newStore(
  client: Client,
  seller: { user_id: string; token: string },
  books: { id: string; price: number; stock: number }[],
) {
  const store_id = uid('store');
  await expectOk(
    client.post('/seller/create_store', { user_id: seller.user_id, store_id }, { token: seller.token }),
  );
  for (const book of books) {
    await expectOk(
      client.post(
        '/seller/add_book',
        {
          user_id: seller.user_id,
          store_id,
          book_info: { id: book.id, title: `Title ${book.id}`, price: book.price },
          stock_level: book.stock,
        },
        { token: seller.token },
      ),
    );
  }
  return store_id;
}

export async function expectOk(pending: Promise<Reply>): Promise<Reply> {
  const reply = await pending;
  if (reply.status !== 200)
    throw new Error(`expected 200, got ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply;
}

/** A client that sends each request to the next of `clients` in turn (several app instances). */
export function roundRobin(clients: Client[]): Client {
  let next = 0;
  const pick = (): Client => {
    const client = clients[next++ % clients.length];
    if (!client) throw new Error('roundRobin needs at least one client');
    return client;
  };
  return {
    post: (path, body, headers) => pick().post(path, body, headers),
    get: (path) => pick().get(path),
  };
}
