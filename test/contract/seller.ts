/**
 * /seller: create_store, add_book, add_stock_level, get_stock_level, with every result code in the
 * order API.md checks them, and that a refused request changes no stock.
 */
import { describe, expect, it } from 'vitest';
import type { Client } from '../support/client.ts';
import { type ClientFactory, expectCode, newStore, newUser, stock, type User, uid } from './helpers.ts';

const createStore = (c: Client, user_id: string, store_id: string, token: string) =>
  c.post('/seller/create_store', { user_id, store_id }, { token });

const addBook = (
  c: Client,
  seller: User,
  store_id: string,
  book_info: Record<string, unknown>,
  stock_level: number,
  token = seller.token,
) => c.post('/seller/add_book', { user_id: seller.user_id, store_id, book_info, stock_level }, { token });

const addStock = (
  c: Client,
  seller: User,
  store_id: string,
  book_id: string,
  add_stock_level: number,
  token = seller.token,
) =>
  c.post(
    '/seller/add_stock_level',
    { user_id: seller.user_id, store_id, book_id, add_stock_level },
    { token },
  );

export function sellerSuite(client: ClientFactory) {
  describe('seller', () => {
    describe('create_store', () => {
      it('opens a store with 200', async () => {
        const seller = await newUser(client());
        await expectCode(createStore(client(), seller.user_id, uid('store'), seller.token), 200);
      });

      it('refuses an existing store id with 514, for another user and for its owner', async () => {
        const owner = await newUser(client());
        const other = await newUser(client());
        const store_id = await newStore(client(), owner, []);
        const reply = await expectCode(createStore(client(), other.user_id, store_id, other.token), 514);
        expect(reply.body.message).toContain(store_id);
        await expectCode(createStore(client(), owner.user_id, store_id, owner.token), 514);
        // The store still belongs to its owner.
        await expectCode(
          addBook(client(), owner, store_id, { id: uid('book'), title: 't', price: 1 }, 1),
          200,
        );
        await expectCode(
          addBook(client(), other, store_id, { id: uid('book'), title: 't', price: 1 }, 1),
          401,
        );
      });

      it('answers 511 for an unknown user id even with a bad token', async () => {
        await expectCode(createStore(client(), uid('nobody'), uid('store'), 'garbage'), 511);
      });

      it('answers 401 for a bad token before 514', async () => {
        const owner = await newUser(client());
        const store_id = await newStore(client(), owner, []);
        const other = await newUser(client());
        await expectCode(createStore(client(), other.user_id, store_id, 'garbage'), 401);
        await expectCode(createStore(client(), other.user_id, uid('store'), owner.token), 401);
      });

      it('answers 530 for a missing store_id', async () => {
        const seller = await newUser(client());
        await expectCode(
          client().post('/seller/create_store', { user_id: seller.user_id }, { token: seller.token }),
          530,
        );
      });
    });

    describe('add_book', () => {
      it('lists a book with its initial stock level', async () => {
        const seller = await newUser(client());
        const store_id = await newStore(client(), seller, []);
        const id = uid('book');
        await expectCode(addBook(client(), seller, store_id, { id, title: 'T', price: 100 }, 7), 200);
        expect(await stock(client(), store_id, id)).toBe(7);
      });

      it('accepts every optional field, null fields, base64 pictures, price 0 and stock 0', async () => {
        const seller = await newUser(client());
        const store_id = await newStore(client(), seller, []);
        const full = {
          id: uid('book'),
          title: '美丽心灵',
          author: '西尔维娅·娜萨',
          publisher: '上海科技教育出版社',
          original_title: 'A Beautiful Mind',
          translator: '王尔山',
          pub_year: '2000-9',
          pages: 520,
          price: 0,
          currency_unit: '元',
          binding: '平装',
          isbn: '9787542821123',
          author_intro: 'intro',
          book_intro: 'book intro',
          content: 'content',
          tags: ['传记', '数学'],
          pictures: [Buffer.from('picture bytes').toString('base64')],
        };
        await expectCode(addBook(client(), seller, store_id, full, 0), 200);
        expect(await stock(client(), store_id, full.id)).toBe(0);
        const nulls = {
          id: uid('book'),
          title: 'T',
          price: 5,
          author: null,
          publisher: null,
          original_title: null,
          translator: null,
          pub_year: null,
          pages: null,
          currency_unit: null,
          binding: null,
          isbn: null,
          author_intro: null,
          book_intro: null,
          content: null,
          tags: null,
          pictures: null,
        };
        await expectCode(addBook(client(), seller, store_id, nulls, 3), 200);
        expect(await stock(client(), store_id, nulls.id)).toBe(3);
      });

      it('refuses a book id already in the store with 516 and keeps its stock', async () => {
        const seller = await newUser(client());
        const id = uid('book');
        const store_id = await newStore(client(), seller, [{ id, price: 10, stock: 4 }]);
        const reply = await expectCode(
          addBook(client(), seller, store_id, { id, title: 'T', price: 10 }, 99),
          516,
        );
        expect(reply.body.message).toContain(id);
        expect(await stock(client(), store_id, id)).toBe(4);
      });

      it('lets another store list the same book id', async () => {
        const seller = await newUser(client());
        const id = uid('book');
        await newStore(client(), seller, [{ id, price: 10, stock: 4 }]);
        const second = await newStore(client(), seller, [{ id, price: 20, stock: 2 }]);
        expect(await stock(client(), second, id)).toBe(2);
      });

      it('answers 511 for an unknown user id', async () => {
        const seller = await newUser(client());
        const store_id = await newStore(client(), seller, []);
        const ghost = { ...seller, user_id: uid('nobody') };
        await expectCode(
          addBook(client(), ghost, store_id, { id: uid('book'), title: 'T', price: 1 }, 1),
          511,
        );
      });

      it('answers 401 for a bad token before 513 for a missing store', async () => {
        const seller = await newUser(client());
        const book = { id: uid('book'), title: 'T', price: 1 };
        await expectCode(addBook(client(), seller, uid('store'), book, 1, 'garbage'), 401);
        await expectCode(addBook(client(), seller, uid('store'), book, 1), 513);
      });

      it('answers 401 for a store of another user, before 516', async () => {
        const owner = await newUser(client());
        const id = uid('book');
        const store_id = await newStore(client(), owner, [{ id, price: 10, stock: 4 }]);
        const intruder = await newUser(client());
        await expectCode(
          addBook(client(), intruder, store_id, { id: uid('book'), title: 'T', price: 1 }, 1),
          401,
        );
        await expectCode(addBook(client(), intruder, store_id, { id, title: 'T', price: 1 }, 50), 401);
        expect(await stock(client(), store_id, id)).toBe(4);
      });

      it('answers 530 for a negative price or stock, a missing title or id', async () => {
        const seller = await newUser(client());
        const store_id = await newStore(client(), seller, []);
        const id = uid('book');
        await expectCode(addBook(client(), seller, store_id, { id, title: 'T', price: -1 }, 1), 530);
        await expectCode(addBook(client(), seller, store_id, { id, title: 'T', price: 1 }, -1), 530);
        await expectCode(addBook(client(), seller, store_id, { id, price: 1 }, 1), 530);
        await expectCode(addBook(client(), seller, store_id, { title: 'T', price: 1 }, 1), 530);
        await expectCode(client().post('/seller/get_stock_level', { store_id, book_id: id }), 515);
      });
    });

    describe('add_stock_level', () => {
      it('adds exactly the given amount', async () => {
        const seller = await newUser(client());
        const id = uid('book');
        const store_id = await newStore(client(), seller, [{ id, price: 10, stock: 4 }]);
        await expectCode(addStock(client(), seller, store_id, id, 6), 200);
        expect(await stock(client(), store_id, id)).toBe(10);
        await expectCode(addStock(client(), seller, store_id, id, 1), 200);
        expect(await stock(client(), store_id, id)).toBe(11);
      });

      it('answers 511 for an unknown user id', async () => {
        const seller = await newUser(client());
        const id = uid('book');
        const store_id = await newStore(client(), seller, [{ id, price: 10, stock: 4 }]);
        await expectCode(addStock(client(), { ...seller, user_id: uid('nobody') }, store_id, id, 1), 511);
      });

      it('answers 401 for a bad token before 513, then 513 for a missing store', async () => {
        const seller = await newUser(client());
        await expectCode(addStock(client(), seller, uid('store'), uid('book'), 1, 'garbage'), 401);
        await expectCode(addStock(client(), seller, uid('store'), uid('book'), 1), 513);
      });

      it('answers 401 for a store of another user, before 515, and changes no stock', async () => {
        const owner = await newUser(client());
        const id = uid('book');
        const store_id = await newStore(client(), owner, [{ id, price: 10, stock: 4 }]);
        const intruder = await newUser(client());
        await expectCode(addStock(client(), intruder, store_id, id, 5), 401);
        await expectCode(addStock(client(), intruder, store_id, uid('book'), 5), 401);
        expect(await stock(client(), store_id, id)).toBe(4);
      });

      it('answers 515 for a book not in the store', async () => {
        const seller = await newUser(client());
        const id = uid('book');
        const store_id = await newStore(client(), seller, [{ id, price: 10, stock: 4 }]);
        const other = await newStore(client(), seller, []);
        await expectCode(addStock(client(), seller, other, id, 1), 515);
        expect(await stock(client(), store_id, id)).toBe(4);
      });

      it('answers 530 for a zero or negative amount and changes no stock', async () => {
        const seller = await newUser(client());
        const id = uid('book');
        const store_id = await newStore(client(), seller, [{ id, price: 10, stock: 4 }]);
        await expectCode(addStock(client(), seller, store_id, id, 0), 530);
        await expectCode(addStock(client(), seller, store_id, id, -3), 530);
        expect(await stock(client(), store_id, id)).toBe(4);
      });
    });

    describe('get_stock_level', () => {
      it('is public and answers the stock level', async () => {
        const seller = await newUser(client());
        const id = uid('book');
        const store_id = await newStore(client(), seller, [{ id, price: 10, stock: 42 }]);
        const reply = await expectCode(
          client().post('/seller/get_stock_level', { store_id, book_id: id }),
          200,
        );
        expect(reply.body.stock_level).toBe(42);
      });

      it('answers 513 for a missing store before 515', async () => {
        await expectCode(
          client().post('/seller/get_stock_level', { store_id: uid('store'), book_id: uid('b') }),
          513,
        );
      });

      it('answers 515 for a book not in that store', async () => {
        const seller = await newUser(client());
        const id = uid('book');
        await newStore(client(), seller, [{ id, price: 10, stock: 1 }]);
        const other = await newStore(client(), seller, []);
        await expectCode(client().post('/seller/get_stock_level', { store_id: other, book_id: id }), 515);
      });

      it('answers 530 for a missing book_id', async () => {
        await expectCode(client().post('/seller/get_stock_level', { store_id: uid('store') }), 530);
      });
    });
  });
}
