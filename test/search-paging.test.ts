/**
 * The order of search answers and their pages (API.md, Search), in-process: a title match ranks above
 * a content match; pages are slices of one stable order with the total on every page, a book listed
 * by two stores counted once site-wide; a page past the end is empty; bad paging answers 530.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectCode } from './contract/helpers.ts';
import { newUser, uid } from './support/client.ts';
import { type BookInfo, booksOf, idsOf, searchSuite, sorted, token } from './support/search.ts';

const s = searchSuite();

describe('ranking', () => {
  it('ranks a match in the title above a match only in the content', async () => {
    const word = token('rank');
    const store = await s.openStore();
    const inContent = uid('content');
    const inTitle = uid('title');
    await s.addBook(store, {
      id: inContent,
      title: 'A long winter',
      content: `Somewhere in the middle of chapter three, ${word} is mentioned once among many other words.`,
    });
    await s.addBook(store, { id: inTitle, title: `The ${word} chronicles` });
    const reply = await s.hits({ keyword: word, search_in_store: true, store_id: store });
    expect(idsOf(reply)).toEqual([inTitle, inContent]);
  });
});

describe('paging', () => {
  const word = token('page');
  const expected: string[] = [];
  let storeA: string;

  beforeAll(async () => {
    storeA = await s.openStore();
    const other = await newUser(s.h.client);
    const storeB = await s.openStore(other);
    // 23 distinct books with `word` in different fields (so scores differ, and some tie); four of
    // them listed in both stores, which must not count twice site-wide
    for (let i = 0; i < 23; i++) {
      const id = uid(`p${String(i).padStart(2, '0')}`);
      expected.push(id);
      const where = i % 3;
      const info: BookInfo = {
        id,
        title: where === 0 ? `${word} volume ${i}` : `Volume ${i}`,
        book_intro: where === 1 ? `An intro that mentions ${word} ${'and more '.repeat(i % 5)}` : 'Nothing.',
        content: where === 2 ? `Content about ${word}.` : null,
      };
      if (i < 19) await s.addBook(storeA, info);
      if (i >= 15) await s.addBook(storeB, info, other);
    }
  });

  /** Every page of the site-wide search at page_size 5, in order. */
  async function allPages(): Promise<string[]> {
    const ids: string[] = [];
    for (let page = 1; page <= 5; page++) {
      const reply = await s.hits({ keyword: word, page, page_size: 5 });
      expect(reply.body).toMatchObject({ total: 23, page, page_size: 5 });
      expect(booksOf(reply)).toHaveLength(page < 5 ? 5 : 3);
      ids.push(...idsOf(reply));
    }
    return ids;
  }

  it('every page of a query with 23 matches: 23 distinct books, total 23 on every page', async () => {
    expect(sorted(await allPages())).toEqual(sorted(expected));
  });

  it('the same order on repeated calls, and the same as one large page', async () => {
    const first = await allPages();
    expect(await allPages()).toEqual(first);
    const whole = await s.hits({ keyword: word, page: 1, page_size: 23 });
    expect(idsOf(whole)).toEqual(first);
    const big = await s.hits({ keyword: word, page: 1, page_size: 100 });
    expect(idsOf(big)).toEqual(first);
    expect(big.body).toMatchObject({ total: 23, page: 1, page_size: 100 });
  });

  it('a page past the end answers 200 with no books and the total', async () => {
    for (const page of [6, 7, 1000]) {
      const reply = await s.hits({ keyword: word, page, page_size: 5 });
      expect(reply.body).toMatchObject({ books: [], total: 23, page, page_size: 5 });
    }
  });

  it('in-store paging counts only that store', async () => {
    const reply = await s.hits({ keyword: word, search_in_store: true, store_id: storeA, page_size: 7 });
    expect(reply.body).toMatchObject({ total: 19, page: 1, page_size: 7 });
    expect(booksOf(reply)).toHaveLength(7);
    expect(booksOf(reply).every((b) => b.store_id === storeA)).toBe(true);
  });

  it('defaults to page 1 of 20', async () => {
    const reply = await expectCode(s.search({ keyword: word }), 200);
    expect(reply.body).toMatchObject({ total: 23, page: 1, page_size: 20 });
    expect(booksOf(reply)).toHaveLength(20);
  });

  it.each([
    ['page 0', { page: 0 }, 'page'],
    ['page 1.5', { page: 1.5 }, 'page'],
    ['page "2"', { page: '2' }, 'page'],
    ['page_size 0', { page_size: 0 }, 'page_size'],
    ['page_size 101', { page_size: 101 }, 'page_size'],
  ])('bad paging (%s) answers 530', async (_what, paging, field) => {
    const reply = await expectCode(s.search({ keyword: word, ...paging }), 530);
    expect(reply.body.message).toContain(field);
  });
});
