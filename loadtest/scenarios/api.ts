/**
 * Request builders for the bookstore API (see shared/API.md), one per endpoint the load tests use.
 * Plain TypeScript, no k6 or Node imports: the k6 scripts send these with `http.request`, the
 * autocannon driver with its `requests`/`setupRequest`, and the set-up code with `fetch`.
 */

export type Method = 'GET' | 'POST';

/** One HTTP request, transport-neutral: `path` is appended to the base URL. */
export interface ApiRequest {
  /** A short endpoint label (k6 tag `name`, report rows). */
  name: string;
  method: Method;
  path: string;
  headers: Record<string, string>;
  /** JSON text, or undefined for GET. */
  body?: string;
}

/** What every answer carries, plus the endpoint's own fields. */
export interface Reply {
  code: number;
  message: string;
  [field: string]: unknown;
}

export interface BookLine {
  id: string;
  count: number;
}

export interface BookInfo {
  id: string;
  title: string;
  price: number;
  author?: string | null;
  tags?: string[] | null;
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

function post(name: string, path: string, body: unknown, token?: string): ApiRequest {
  const headers: Record<string, string> = { ...JSON_HEADERS };
  if (token !== undefined) headers.token = token;
  return { name, method: 'POST', path, headers, body: JSON.stringify(body) };
}

export const healthz = (): ApiRequest => ({ name: 'healthz', method: 'GET', path: '/healthz', headers: {} });

export const register = (user_id: string, password: string): ApiRequest =>
  post('register', '/auth/register', { user_id, password });

export const login = (user_id: string, password: string, terminal: string): ApiRequest =>
  post('login', '/auth/login', { user_id, password, terminal });

export const addFunds = (user_id: string, password: string, add_value: number): ApiRequest =>
  post('add_funds', '/buyer/add_funds', { user_id, password, add_value });

export const createStore = (user_id: string, token: string, store_id: string): ApiRequest =>
  post('create_store', '/seller/create_store', { user_id, store_id }, token);

export const addBook = (
  user_id: string,
  token: string,
  store_id: string,
  book: BookInfo,
  stock_level: number,
) => post('add_book', '/seller/add_book', { user_id, store_id, book_info: book, stock_level }, token);

export const newOrder = (user_id: string, token: string, store_id: string, books: BookLine[]): ApiRequest =>
  post('new_order', '/buyer/new_order', { user_id, store_id, books }, token);

export const pay = (user_id: string, password: string, order_id: string): ApiRequest =>
  post('pay', '/buyer/pay_to_platform', { user_id, order_id, password });

export const orderStatus = (user_id: string, password: string, order_id: string): ApiRequest =>
  post('query_order_status', '/buyer/query_order_status', { user_id, password, order_id });

export const queryBalance = (user_id: string, password: string): ApiRequest =>
  post('query_balance', '/buyer/query_balance', { user_id, password });

export const getStockLevel = (store_id: string, book_id: string): ApiRequest =>
  post('get_stock_level', '/seller/get_stock_level', { store_id, book_id });

export const buyerOrders = (user_id: string, password: string, page: number, page_size = 100): ApiRequest =>
  post('query_buyer_all_orders', '/buyer/query_buyer_all_orders', { user_id, password, page, page_size });

export const storeOrders = (
  user_id: string,
  password: string,
  store_id: string,
  page: number,
  page_size = 100,
) =>
  post('query_one_store_orders', '/seller/query_one_store_orders', {
    user_id,
    password,
    store_id,
    page,
    page_size,
  });

/** Site-wide search of every field (`search_in_store` false). */
export const searchBooks = (keyword: string, page = 1, page_size = 20): ApiRequest =>
  post('search_books', '/search/search_books', {
    keyword,
    search_scope: 'all',
    search_in_store: false,
    page,
    page_size,
  });

/** Parses an answer body; undefined when it is not a JSON object with a numeric `code`. */
export function parseReply(text: string | null | undefined): Reply | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const reply = value as Record<string, unknown>;
    if (typeof reply.code !== 'number') return undefined;
    return { ...reply, code: reply.code, message: String(reply.message ?? '') };
  } catch {
    return undefined;
  }
}

/** A string field of an answer, or undefined. */
export function stringField(reply: Reply | undefined, field: string): string | undefined {
  const value = reply?.[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A numeric field of an answer, or undefined. */
export function numberField(reply: Reply | undefined, field: string): number | undefined {
  const value = reply?.[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
