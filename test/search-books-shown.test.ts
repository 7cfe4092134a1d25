/**
 * How search answers show a book (API.md, Search), in-process: every field of API.md, `store_id` only
 * in a store's answers, and pictures as URLs that serve the bytes, never base64.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { uid } from './support/client.ts';
import { beautifulMind, booksOf, searchSuite, token } from './support/search.ts';

const s = searchSuite();

describe('fields', () => {
  it('a book shows every field of API.md, with store_id only in-store', async () => {
    const store = await s.openStore();
    const id = uid('mind');
    await s.addBook(store, beautifulMind(id));
    const local = booksOf(await s.hits({ keyword: '美丽心灵', search_in_store: true, store_id: store }));
    expect(local).toEqual([
      {
        id,
        title: '美丽心灵',
        author: '[美] 西尔维娅·娜萨',
        publisher: '上海科技教育出版社',
        original_title: 'A Beautiful Mind',
        translator: '王尔山',
        pub_year: '2002-8',
        pages: 590,
        price: 1000,
        currency_unit: '元',
        binding: '平装',
        isbn: '9787542826632',
        author_intro: expect.stringContaining('纽约时报'),
        book_intro: expect.stringContaining('博弈论'),
        content: expect.stringContaining('普林斯顿'),
        tags: ['传记', '数学', '诺贝尔奖'],
        store_id: store,
        pictures: [],
      },
    ]);
    const site = booksOf(await s.hits({ keyword: '美丽心灵 纳什' })).find((b) => b.id === id);
    expect(site).toBeDefined();
    expect(site).not.toHaveProperty('store_id');
    expect(site?.title).toBe('美丽心灵');
  });
});

describe('pictures', () => {
  it('books carry picture URLs that serve the bytes, never base64', async () => {
    const word = token('pic');
    const store = await s.openStore();
    const id = uid('pic');
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      randomBytes(64),
    ]);
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(64)]);
    const encoded = [png.toString('base64'), jpeg.toString('base64')];
    await s.addBook(store, { id, title: `Pictured ${word}`, pictures: encoded });

    const local = booksOf(await s.hits({ keyword: word, search_in_store: true, store_id: store }))[0];
    const site = booksOf(await s.hits({ keyword: word }))[0];
    const app = createApp(s.h.deps);
    for (const book of [local, site]) {
      expect(book?.id).toBe(id);
      const urls = book?.pictures as string[];
      expect(urls).toHaveLength(2);
      for (const [n, url] of urls.entries()) {
        expect(url).toMatch(/^\/(stores\/[^/]+\/)?books\/[^/]+\/pictures\/\d+$/);
        expect(url).not.toContain(encoded[n]?.slice(0, 16));
        expect(url.length).toBeLessThan(300);
        const response = await app.request(url);
        expect(response.status, url).toBe(200);
        expect(response.headers.get('content-type')).toBe(n === 0 ? 'image/png' : 'image/jpeg');
        expect(Buffer.from(await response.arrayBuffer()).equals(n === 0 ? png : jpeg)).toBe(true);
      }
    }
    const text = JSON.stringify(await s.hits({ keyword: word }));
    for (const e of encoded) expect(text).not.toContain(e.slice(0, 32));
  });

  it('a book without pictures shows an empty list', async () => {
    const word = token('nopic');
    const store = await s.openStore();
    await s.addBook(store, { id: uid('nopic'), title: word, pictures: null });
    expect(booksOf(await s.hits({ keyword: word }))[0]?.pictures).toEqual([]);
  });
});
