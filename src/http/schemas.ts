/**
 * valibot schemas of every request body (`schemas`): anything that fails them answers 530 naming the
 * field; the routes declare them with `jsonBody`, which also puts them in the OpenAPI document. And
 * the fields of each 200 answer (`answers`, API.md), which only the document uses: answers are not
 * validated.
 */
import * as v from 'valibot';
import { MAX_COUNT } from '../catalogue/limits.ts';
import { isBase64 } from './base64.ts';

export const MAX_MONEY = 1_000_000_000_000;

/**
 * Every string of a body is well-formed Unicode: a lone surrogate ("x\ud800") becomes U+FFFD on its
 * way to Redis, so "x\ud800", "x\udfff" and "x\ufffd" would all name one key.
 */
const WellFormed = v.pipe(
  v.string(),
  v.check((s) => s.isWellFormed(), 'must be well-formed Unicode (no lone surrogates)'),
);
const Str = (maxLength: number, what: string) =>
  v.pipe(WellFormed, v.maxLength(maxLength, `at most ${what} characters`));
const Id = v.pipe(Str(256, '256'), v.minLength(1, 'must not be empty'));
const Password = v.pipe(Str(1024, '1024'), v.minLength(1, 'must not be empty'));
const Int = (min: number, max: number) =>
  v.pipe(
    v.number(),
    v.integer('must be an integer'),
    v.minValue(min, `must be >= ${min}`),
    v.maxValue(max, `must be <= ${max}`),
  );
const Text = v.nullish(Str(1_000_000, '1,000,000'));
// A scan, not a regular expression: V8's backtracking one overflowed its stack on a 4.5 MB picture.
const Base64 = v.pipe(
  v.string(),
  v.check(isBase64, 'must be base64'),
  v.description('base64: standard alphabet, padded with = to a multiple of 4 characters'),
);

const Paging = {
  page: v.optional(Int(1, 1_000_000), 1),
  page_size: v.optional(Int(1, 100), 20),
};

const UserPassword = { user_id: Id, password: Password };
const OrderAction = v.object({ user_id: Id, order_id: Id, password: Password });

export const schemas = {
  register: v.object(UserPassword),
  unregister: v.object(UserPassword),
  login: v.object({
    ...UserPassword,
    terminal: Str(256, '256'),
  }),
  logout: v.object({ user_id: Id }),
  changePassword: v.object({ user_id: Id, oldPassword: Password, newPassword: Password }),

  createStore: v.object({ user_id: Id, store_id: Id }),
  addBook: v.object({
    user_id: Id,
    store_id: Id,
    book_info: v.object({
      id: Id,
      title: Str(10_000, '10,000'),
      author: Text,
      publisher: Text,
      original_title: Text,
      translator: Text,
      pub_year: v.nullish(v.union([WellFormed, v.number()])),
      pages: v.nullish(Int(0, 1_000_000_000)),
      price: Int(0, MAX_MONEY),
      currency_unit: Text,
      binding: Text,
      isbn: Text,
      author_intro: Text,
      book_intro: Text,
      content: Text,
      tags: v.nullish(v.array(WellFormed)),
      pictures: v.nullish(v.array(Base64)),
    }),
    stock_level: Int(0, MAX_COUNT),
  }),
  addStockLevel: v.object({ user_id: Id, store_id: Id, book_id: Id, add_stock_level: Int(1, MAX_COUNT) }),
  ship: v.object({ user_id: Id, store_id: Id, order_id: Id }),
  queryOneStoreOrders: v.object({ ...UserPassword, store_id: Id, ...Paging }),
  queryAllStoreOrders: v.object({ ...UserPassword, ...Paging }),
  getStockLevel: v.object({ store_id: Id, book_id: Id }),

  newOrder: v.object({
    user_id: Id,
    store_id: Id,
    books: v.pipe(
      v.array(v.object({ id: Id, count: Int(1, MAX_COUNT) })),
      v.minLength(1, 'must list at least one book'),
      v.maxLength(1000, 'at most 1000 lines'),
    ),
  }),
  payToPlatform: OrderAction,
  confirmReceipt: OrderAction,
  cancelOrder: OrderAction,
  queryOrderStatus: OrderAction,
  addFunds: v.object({
    ...UserPassword,
    add_value: v.pipe(
      Int(-MAX_MONEY, MAX_MONEY),
      v.check((n) => n !== 0, 'must not be zero'),
    ),
  }),
  queryBalance: v.object(UserPassword),
  searchBooks: v.object({
    keyword: v.pipe(
      WellFormed,
      v.trim(),
      v.minLength(1, 'must not be empty'),
      v.maxLength(1000, 'at most 1000 characters'),
    ),
    search_scope: v.optional(v.nullable(Str(1000, '1000')), 'all'),
    search_in_store: v.optional(v.nullable(v.boolean()), false),
    store_id: v.optional(v.nullable(Str(256, '256'))),
    ...Paging,
  }),
  queryBuyerAllOrders: v.object({ ...UserPassword, ...Paging }),
};

const Count = v.pipe(v.number(), v.integer());
/** An ISO-8601 time, or null when the order has not reached that step. */
const Time = v.nullable(v.pipe(v.string(), v.isoTimestamp()));
const Nullable = v.nullable(v.string());
const OrderStatus = v.picklist(['unpaid', 'paid', 'shipped', 'received', 'cancelled']);

const Order = v.pipe(
  v.object({
    order_id: v.string(),
    buyer_id: v.string(),
    store_id: v.string(),
    status: OrderStatus,
    items: v.array(v.object({ book_id: v.string(), count: Count, price: Count })),
    amount: v.pipe(Count, v.description('cents')),
    created_at: Time,
    paid_at: Time,
    shipped_at: Time,
    received_at: Time,
    cancelled_at: Time,
    cancel_reason: v.nullable(v.picklist(['buyer', 'expired'])),
    expires_at: Time,
  }),
  v.metadata({ ref: 'Order' }),
);

const Book = v.pipe(
  v.object({
    id: v.string(),
    title: v.string(),
    author: Nullable,
    publisher: Nullable,
    original_title: Nullable,
    translator: Nullable,
    pub_year: v.nullable(v.union([v.string(), v.number()])),
    pages: v.nullable(Count),
    price: v.pipe(Count, v.description('cents')),
    currency_unit: Nullable,
    binding: Nullable,
    isbn: Nullable,
    author_intro: Nullable,
    book_intro: Nullable,
    content: Nullable,
    tags: v.array(v.string()),
    store_id: v.optional(v.pipe(v.string(), v.description('the store shown, in an in-store search'))),
    pictures: v.array(v.pipe(v.string(), v.description('URL of the picture (GET)'))),
  }),
  v.metadata({ ref: 'Book' }),
);

const Paged = { total: Count, page: Count, page_size: Count };

/** The fields of each 200 answer besides `code` and `message`. */
export const answers = {
  login: { token: v.pipe(v.string(), v.description('send it as header `token`')) },
  sellerOrders: { orders: v.array(Order), ...Paged },
  stockLevel: { stock_level: Count },
  newOrder: { order_id: v.string() },
  orderStatus: { order_status: OrderStatus, order: Order },
  buyerOrders: { orders: v.array(Order), ...Paged },
  balance: { balance: v.pipe(Count, v.description('cents')) },
  autoCancel: { cancelled: v.pipe(Count, v.description('orders this call cancelled')) },
  search: { books: v.array(Book), ...Paged },
  ready: { search_index: v.picklist(['ready', 'building']) },
} satisfies Record<string, v.ObjectEntries>;
