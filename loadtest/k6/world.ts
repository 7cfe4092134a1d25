/**
 * k6 helpers shared by the scripts: send an `ApiRequest`, build the world (seller, store, books,
 * buyers with funds) in `setup()`, and check the invariants in `teardown()`. The request shapes and
 * the checks themselves live in ../scenarios, shared with the autocannon driver.
 */
import { fail } from 'k6';
import http from 'k6/http';
import * as api from '../scenarios/api.ts';
import { buyerId, catalogue, passwordOf, priceList, sellerId, storeId } from '../scenarios/catalog.ts';
import {
  asOrders,
  balanceDrift,
  type OrderRecord,
  type StockRow,
  stockRows,
  type Tally,
  tallyOrders,
} from '../scenarios/consistency.ts';

export const BASE_URL = (__ENV.BASE_URL ?? 'http://127.0.0.1:5000').replace(/\/+$/, '');

export interface Sent {
  status: number;
  reply: api.Reply | undefined;
}

/**
 * Sends one request, tagged with its endpoint name. `expected` lists the statuses that do not count
 * in `http_req_failed` (default: only 200, since every contract error code is >= 400).
 */
export function send(req: api.ApiRequest, expected: number[] = [200]): Sent {
  const res = http.request(req.method, BASE_URL + req.path, req.body ?? null, {
    headers: req.headers,
    tags: { name: req.name },
    responseType: 'text',
    responseCallback: http.expectedStatuses(...expected),
  });
  return { status: res.status, reply: api.parseReply(res.body) };
}

/** Sends and insists on 200 (set-up steps): a failure stops the test with the answer. */
export function must(req: api.ApiRequest): api.Reply {
  const sent = send(req);
  if (sent.status !== 200 || !sent.reply)
    fail(`${req.name} ${req.path}: HTTP ${sent.status} ${JSON.stringify(sent.reply ?? null)}`);
  return sent.reply;
}

export interface Account {
  user_id: string;
  password: string;
  token: string;
}

export interface World {
  tag: string;
  store: string;
  seller: Account;
  books: api.BookInfo[];
  initialStock: Record<string, number>;
  buyers: Account[];
  fundsPerBuyer: number;
}

function account(user_id: string, terminal: string): Account {
  const password = passwordOf(user_id);
  must(api.register(user_id, password));
  const token = api.stringField(must(api.login(user_id, password, terminal)), 'token');
  if (!token) return fail(`login ${user_id}: no token`);
  return { user_id, password, token };
}

export function buildWorld(tag: string, buyers: number, books: number, stock: number, funds: number): World {
  const seller = account(sellerId(tag), 'k6-setup');
  const store = storeId(tag);
  must(api.createStore(seller.user_id, seller.token, store));
  const list = catalogue(tag, books);
  const initialStock: Record<string, number> = {};
  for (const book of list) {
    must(api.addBook(seller.user_id, seller.token, store, book, stock));
    initialStock[book.id] = stock;
  }
  const accounts: Account[] = [];
  for (let i = 0; i < buyers; i++) {
    const buyer = account(buyerId(tag, i), 'k6');
    must(api.addFunds(buyer.user_id, buyer.password, funds));
    accounts.push(buyer);
  }
  return { tag, store, seller, books: list, initialStock, buyers: accounts, fundsPerBuyer: funds };
}

function allOrders(buyer: Account): OrderRecord[] {
  const orders: OrderRecord[] = [];
  for (let page = 1; ; page++) {
    const reply = must(api.buyerOrders(buyer.user_id, buyer.password, page));
    const batch = asOrders(reply.orders);
    orders.push(...batch);
    const total = api.numberField(reply, 'total') ?? 0;
    if (batch.length === 0 || orders.length >= total) return orders;
  }
}

export interface Verdict {
  rows: StockRow[];
  tally: Tally;
  balanceDrift: number;
  problems: string[];
}

/** Reads stock, every buyer's orders and balance, and checks the invariants. */
export function verifyWorld(world: World): Verdict {
  const current: Record<string, number> = {};
  for (const book of world.books) {
    const level = api.numberField(must(api.getStockLevel(world.store, book.id)), 'stock_level');
    current[book.id] = level ?? Number.NaN;
  }
  const orders: OrderRecord[] = [];
  let balances = 0;
  for (const buyer of world.buyers) {
    orders.push(...allOrders(buyer));
    balances +=
      api.numberField(must(api.queryBalance(buyer.user_id, buyer.password)), 'balance') ?? Number.NaN;
  }
  const tally = tallyOrders(orders, priceList(world.books));
  const rows = stockRows(world.initialStock, current, tally.soldByBook);
  const drift = balanceDrift(world.fundsPerBuyer * world.buyers.length, balances, tally.paidAmount);
  const problems: string[] = [];
  for (const row of rows)
    if (row.drift !== 0)
      problems.push(`stock ${row.book}: ${row.current} + sold ${row.sold} != initial ${row.initial}`);
  if (drift !== 0) problems.push(`balances: drift ${drift} cents against paid ${tally.paidAmount}`);
  problems.push(...tally.badAmounts.slice(0, 5));
  return { rows, tally, balanceDrift: drift, problems };
}
