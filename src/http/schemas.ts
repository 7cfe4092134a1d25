/**
 * valibot schemas of every request body. Anything that fails them answers 530 naming the field; the
 * same schemas are the source of the OpenAPI document.
 */
import * as v from 'valibot';
import { MAX_COUNT } from '../catalogue/limits.ts';

export const MAX_MONEY = 1_000_000_000_000;

const Id = v.pipe(
  v.string(),
  v.minLength(1, 'must not be empty'),
  v.maxLength(256, 'at most 256 characters'),
);
const Password = v.pipe(
  v.string(),
  v.minLength(1, 'must not be empty'),
  v.maxLength(1024, 'at most 1024 characters'),
);
const Int = (min: number, max: number) =>
  v.pipe(
    v.number(),
    v.integer('must be an integer'),
    v.minValue(min, `must be >= ${min}`),
    v.maxValue(max, `must be <= ${max}`),
  );
const Text = v.nullish(v.pipe(v.string(), v.maxLength(1_000_000, 'at most 1,000,000 characters')));
const Base64 = v.pipe(
  v.string(),
  v.regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'must be base64'),
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
    terminal: v.pipe(v.string(), v.maxLength(256, 'at most 256 characters')),
  }),
  logout: v.object({ user_id: Id }),
  changePassword: v.object({ user_id: Id, oldPassword: Password, newPassword: Password }),

  createStore: v.object({ user_id: Id, store_id: Id }),
  addBook: v.object({
    user_id: Id,
    store_id: Id,
    book_info: v.object({
      id: Id,
      title: v.pipe(v.string(), v.maxLength(10_000, 'at most 10,000 characters')),
      author: Text,
      publisher: Text,
      original_title: Text,
      translator: Text,
      pub_year: v.nullish(v.union([v.string(), v.number()])),
      pages: v.nullish(Int(0, 1_000_000_000)),
      price: Int(0, MAX_MONEY),
      currency_unit: Text,
      binding: Text,
      isbn: Text,
      author_intro: Text,
      book_intro: Text,
      content: Text,
      tags: v.nullish(v.array(v.string())),
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
      v.string(),
      v.trim(),
      v.minLength(1, 'must not be empty'),
      v.maxLength(1000, 'at most 1000 characters'),
    ),
    search_scope: v.optional(
      v.nullable(v.pipe(v.string(), v.maxLength(1000, 'at most 1000 characters'))),
      'all',
    ),
    search_in_store: v.optional(v.nullable(v.boolean()), false),
    store_id: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(256, 'at most 256 characters')))),
    ...Paging,
  }),
  queryBuyerAllOrders: v.object({ ...UserPassword, ...Paging }),
};
