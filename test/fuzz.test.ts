/**
 * Property-based fuzzing of every POST endpoint, in process (`app.request()`), on the run's real
 * Redis: bodies generated from the same valibot schemas the routes validate with, valid-shaped and
 * hostile (test/support/hostile-bodies.ts), with real and forged tokens and Idempotency-Keys. For
 * every answer: JSON whose `code` equals the status, a code the endpoint may answer (API.md), never
 * a 500, never a hang; and a refused request leaves the store of record exactly as it was.
 * A failure prints fast-check's seed and the shrunk request; FUZZ_SEED replays a run.
 */
import fc from 'fast-check';
import type * as v from 'valibot';
import { afterAll, describe, expect, it } from 'vitest';
import { schemas } from '../src/http/schemas.ts';
import { expectOk, newStore, uid } from './support/client.ts';
import { type Harness, startHarness } from './support/harness.ts';
import { bodyText } from './support/hostile-bodies.ts';
import { type Pools, shaped } from './support/schema-arbitrary.ts';
import { changedKeys, type StoreSnapshot, storeSnapshot } from './support/store-digest.ts';

/** Cases per run, over all endpoints (FUZZ_CASES for a shorter run while developing). */
const TOTAL_CASES = Number(process.env.FUZZ_CASES ?? 10_000);
const REQUEST_TIMEOUT_MS = 10_000;
/**
 * Not records: Idempotency-Key records (and each user's list of live keys) keep a refused answer for
 * its replay (API.md); the wrong-password counters count a refused password (that is their job;
 * test/guessing.test.ts checks them); BullMQ's event
 * log, job id counter and worker wake-up marker trace a job added and removed (a confirmation refused
 * as unpaid adds the payout backstop first, and removes it before answering). Jobs themselves and the
 * queue's lists stay in the digest, so a job left behind is caught.
 */
const NOT_OF_RECORD = [
  ':idem:',
  ':idem-keys',
  ':guesses',
  ...['events', 'id', 'marker'].map((key) => `{q:orders}:orders:${key}`),
];

const SEARCH = [530, 523, 524, 525, 200];
const ORDER_ACTION = { schema: schemas.payToPlatform, codes: [530, 401, 518, 526, 527, 519, 200] };
/** Each POST endpoint: the schema its route validates with and the codes API.md lets it answer. */
type Endpoint = { schema?: v.GenericSchema; codes: number[]; password?: boolean };
const endpoints: Record<string, Endpoint> = {
  '/auth/register': { schema: schemas.register, codes: [530, 512, 200] },
  '/auth/unregister': { schema: schemas.unregister, codes: [530, 401, 200], password: true },
  '/auth/login': { schema: schemas.login, codes: [530, 401, 200], password: true },
  '/auth/logout': { schema: schemas.logout, codes: [530, 401, 200] },
  '/auth/password': { schema: schemas.changePassword, codes: [530, 401, 200], password: true },
  '/seller/create_store': { schema: schemas.createStore, codes: [530, 511, 401, 514, 200] },
  '/seller/add_book': { schema: schemas.addBook, codes: [530, 511, 401, 513, 516, 200] },
  '/seller/add_stock_level': { schema: schemas.addStockLevel, codes: [530, 511, 401, 513, 515, 200] },
  '/seller/ship': { schema: schemas.ship, codes: [530, 511, 401, 513, 518, 526, 520, 529, 528, 200] },
  '/seller/query_one_store_orders': {
    schema: schemas.queryOneStoreOrders,
    codes: [530, 511, 513, 401, 522, 200],
    password: true,
  },
  '/seller/query_all_store_orders': {
    schema: schemas.queryAllStoreOrders,
    codes: [530, 511, 401, 522, 200],
    password: true,
  },
  '/seller/get_stock_level': { schema: schemas.getStockLevel, codes: [530, 513, 515, 200] },
  '/seller/search': { schema: schemas.searchBooks, codes: SEARCH },
  '/buyer/new_order': { schema: schemas.newOrder, codes: [530, 511, 401, 513, 515, 517, 200] },
  '/buyer/pay_to_platform': { ...ORDER_ACTION, password: true },
  '/buyer/payment': { ...ORDER_ACTION, password: true },
  '/buyer/add_funds': { schema: schemas.addFunds, codes: [530, 401, 519, 200], password: true },
  '/buyer/confirm_receipt_and_pay_toseller': {
    schema: schemas.confirmReceipt,
    codes: [530, 401, 518, 526, 520, 528, 200],
    password: true,
  },
  '/buyer/query_order_status': {
    schema: schemas.queryOrderStatus,
    codes: [530, 511, 401, 518, 200],
    password: true,
  },
  '/buyer/query_buyer_all_orders': {
    schema: schemas.queryBuyerAllOrders,
    codes: [530, 511, 401, 200],
    password: true,
  },
  '/buyer/cancel_order': {
    schema: schemas.cancelOrder,
    codes: [530, 511, 401, 518, 526, 521, 200],
    password: true,
  },
  '/buyer/query_balance': { schema: schemas.queryBalance, codes: [530, 401, 200], password: true },
  '/buyer/auto_cancel_expired_orders': { codes: [200] },
  '/buyer/search': { schema: schemas.searchBooks, codes: SEARCH },
  '/search/search_books': { schema: schemas.searchBooks, codes: SEARCH },
};

interface Fixtures {
  pools: Pools;
  tokens: (string | undefined)[];
}

/** Every fixture user's password: a right one is drawn often, so few cases pay a password hash. */
const PASSWORD = 'fuzz-password';

async function fixtureUser(client: Harness['client'], funds = 0) {
  const user_id = uid('user');
  await expectOk(client.post('/auth/register', { user_id, password: PASSWORD }));
  const login = await expectOk(client.post('/auth/login', { user_id, password: PASSWORD, terminal: 't' }));
  if (funds)
    await expectOk(client.post('/buyer/add_funds', { user_id, password: PASSWORD, add_value: funds }));
  return { user_id, password: PASSWORD, token: String(login.body.token) };
}

/** A seller with a store of two books, a buyer with funds and orders unpaid, paid and shipped. */
async function seed(h: Harness): Promise<Fixtures> {
  const { client } = h;
  const seller = await fixtureUser(client);
  const buyer = await fixtureUser(client, 1_000_000);
  const store = await newStore(client, seller, [
    { id: 'b1', price: 10, stock: 5 },
    { id: 'b2', price: 7, stock: 1000 },
  ]);
  const order = async (pay: boolean, ship: boolean) => {
    const books = [{ id: 'b2', count: 1 }];
    const made = await expectOk(
      client.post(
        '/buyer/new_order',
        { user_id: buyer.user_id, store_id: store, books },
        { token: buyer.token },
      ),
    );
    const order_id = String(made.body.order_id);
    const own = { user_id: buyer.user_id, password: buyer.password, order_id };
    if (pay) await expectOk(client.post('/buyer/pay_to_platform', own));
    const shipment = { user_id: seller.user_id, store_id: store, order_id };
    if (ship) await expectOk(client.post('/seller/ship', shipment, { token: seller.token }));
    return order_id;
  };
  const orders = [await order(false, false), await order(true, false), await order(true, true)];
  const passwords = [PASSWORD, PASSWORD, PASSWORD, 'wrong'];
  const [body = '', signature = ''] = seller.token.split('.');
  return {
    pools: {
      user_id: [seller.user_id, buyer.user_id, 'nobody'],
      store_id: [store, 'no-store'],
      book_id: ['b1', 'b2', 'no-book'],
      id: ['b1', 'b2', 'no-book'],
      order_id: [...orders, 'no-order'],
      password: passwords,
      oldPassword: passwords,
      newPassword: passwords,
      terminal: ['t'],
      title: ['Title b1'],
      keyword: ['Title', 'b1', 'zzz'],
      search_scope: ['all', 'title', 'tags author', 'tag', 'bogus'],
    },
    tokens: [
      seller.token,
      buyer.token,
      undefined,
      'garbage',
      `${body}.${signature}==`,
      `${body}x.${signature}`,
    ],
  };
}

type Request = { text: string; token?: string; key?: string; type?: string };

function requests(schema: v.GenericSchema | undefined, fixtures: Fixtures): fc.Arbitrary<Request> {
  const shape = schema ? shaped(schema, fixtures.pools) : fc.jsonValue({ maxDepth: 2 });
  return fc.record(
    {
      text: bodyText(shape),
      token: fc.constantFrom(...fixtures.tokens),
      key: fc.constantFrom('k1', 'k2', '', 'k'.repeat(300)),
      type: fc.constantFrom(
        'text/plain',
        'application/json; charset=utf-8',
        'application/x-www-form-urlencoded',
      ),
    },
    { requiredKeys: ['text'] },
  );
}

/** Sends one generated request, failing it when no answer comes within REQUEST_TIMEOUT_MS. */
async function send(h: Harness, path: string, request: Request): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': request.type ?? 'application/json' };
  if (request.token !== undefined) headers.token = request.token;
  if (request.key !== undefined) headers['idempotency-key'] = request.key;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)),
      REQUEST_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([h.app.request(path, { method: 'POST', headers, body: request.text }), hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** The answer is JSON, its `code` is the status, and the status one the endpoint may answer. */
async function expectAnswer(response: Response, endpoint: Endpoint, request: Request, what: string) {
  expect(response.headers.get('content-type'), what).toMatch(/^application\/json/);
  const answer = (await response.json()) as { code?: unknown; message?: unknown };
  expect(answer.code, what).toBe(response.status);
  expect(typeof answer.message, what).toBe('string');
  const allowed = [...endpoint.codes];
  if (request.key !== undefined) allowed.push(409, 422);
  if (endpoint.password) allowed.push(429);
  expect(allowed, `${what} -> ${response.status} ${String(answer.message)}`).toContain(response.status);
  return `${what} -> ${response.status} ${String(answer.message)}`;
}

let cases = 0;
const started = performance.now();
afterAll(() => {
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `fuzz: ${cases} generated requests over ${Object.keys(endpoints).length} endpoints in ${seconds} s`,
  );
});

/**
 * A harness of its own per endpoint (its own key prefix): the digest reads every key under the
 * prefix at every case, so it stays as small as one endpoint's fixtures and effects.
 */
async function withHarness(run: (h: Harness) => Promise<void>): Promise<void> {
  // Limits out of reach, so wrong passwords keep reaching every endpoint's own checks instead of 429.
  const unlimited = 1_000_000_000;
  const h = await startHarness({
    limits: {
      PASSWORD_GUESSES_PER_ADDRESS: unlimited,
      PASSWORD_GUESSES_PER_USER_ADDRESS: unlimited,
      PASSWORD_GUESSES_PER_USER: unlimited,
    },
  });
  try {
    // The search index's start-up build, waited for here rather than inside a case's deadline.
    await h.client.post('/search/search_books', { keyword: 'warm-up' });
    await run(h);
  } finally {
    await h.close();
  }
}

describe('fuzzing every POST endpoint', () => {
  it('covers every POST route of the app', () =>
    withHarness(async (h) => {
      const posts = h.app.routes.filter((r) => r.method === 'POST' && r.path !== '/*');
      const routes = new Set(posts.map((r) => r.path));
      expect([...routes].sort()).toEqual(Object.keys(endpoints).sort());
    }));

  // The body-less sweep gets a few runs; every other endpoint an equal share of the rest.
  const SWEEP = '/buyer/auto_cancel_expired_orders';
  const sweepRuns = Math.ceil(TOTAL_CASES / 100);
  const perEndpoint = Math.ceil((TOTAL_CASES - sweepRuns) / (Object.keys(endpoints).length - 1));
  for (const [path, endpoint] of Object.entries(endpoints)) {
    it(
      `${path}: JSON with the right code, never 500 or a hang, nothing changed when refused`,
      () =>
        withHarness(async (h) => {
          const fixtures = await seed(h);
          const snapshot = () => storeSnapshot(h.redis, h.prefix, NOT_OF_RECORD);
          let before = await settled(h, snapshot);
          await fc.assert(
            fc.asyncProperty(requests(endpoint.schema, fixtures), async (request) => {
              cases++;
              const response = await send(h, path, request);
              const said = await expectAnswer(
                response,
                endpoint,
                request,
                `${path} ${request.text.slice(0, 200)}`,
              );
              if (response.status === 200) {
                before = await settled(h, snapshot);
                return;
              }
              const after = await snapshot();
              const changed = changedKeys(before, after);
              if (changed.length > 0) {
                throw new Error(`${said} changed ${changed.join(', ')}`);
              }
            }),
            { numRuns: path === SWEEP ? sweepRuns : perEndpoint, seed: seedFromEnv(), endOnFailure: true },
          );
        }),
      180_000,
    );
  }
});

/** The store once background writes that follow a success (deadline drops, job removal) are done. */
async function settled(h: Harness, snapshot: () => Promise<StoreSnapshot>): Promise<StoreSnapshot> {
  await (h.deps.deadlines as { flush?: () => Promise<void> }).flush?.();
  let last = await snapshot();
  for (;;) {
    await new Promise((r) => setTimeout(r, 5));
    const next = await snapshot();
    if (next.digest === last.digest) return next;
    last = next;
  }
}

const seedFromEnv = () => (process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined);
