/**
 * Book search (API.md, Search) in-process: every searchable field, Chinese by words and bigrams,
 * Latin case- and accent-insensitive, traditional queries on simplified text, scopes, in-store and
 * site-wide answers and their codes (523, 524, 525, 530), paging, the aliases, and books shown with
 * picture URLs. One harness for the file, so a site-wide search sees the books of every test here:
 * each test opens its own stores with its own book ids and asserts exact sets only in its own stores,
 * or site-wide with a keyword no other test uses.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { expectCode } from './contract/helpers.ts';
import { expectOk, newUser, type Reply, uid } from './support/client.ts';
import { type Harness, startHarness } from './support/harness.ts';

type Seller = Awaited<ReturnType<typeof newUser>>;
type BookInfo = { id: string; title: string; price?: number; [field: string]: unknown };
type Book = { id: string; store_id?: string; pictures: unknown; [field: string]: unknown };

let h: Harness;
let seller: Seller;

beforeAll(async () => {
  h = await startHarness();
  seller = await newUser(h.client);
});

afterAll(async () => {
  await h?.close();
});

/** A word of Latin letters and digits no other test (or run) uses. */
const token = (kind: string) => `${kind}${randomBytes(5).toString('hex')}`;

/** Every field of book_info, unknown ones `null` as clients send them. */
const fullInfo = (info: BookInfo) => ({
  author: null,
  publisher: null,
  original_title: null,
  translator: null,
  pub_year: null,
  pages: null,
  price: 1000,
  currency_unit: '元',
  binding: null,
  isbn: null,
  author_intro: null,
  book_intro: null,
  content: null,
  tags: [],
  pictures: [],
  ...info,
});

async function openStore(owner: Seller = seller): Promise<string> {
  const store_id = uid('sstore');
  await expectOk(
    h.client.post('/seller/create_store', { user_id: owner.user_id, store_id }, { token: owner.token }),
  );
  return store_id;
}

async function addBook(store_id: string, info: BookInfo, owner: Seller = seller): Promise<void> {
  await expectOk(
    h.client.post(
      '/seller/add_book',
      { user_id: owner.user_id, store_id, book_info: fullInfo(info), stock_level: 5 },
      { token: owner.token },
    ),
  );
}

const search = (body: Record<string, unknown>, path = '/search/search_books') => h.client.post(path, body);

/** A search that must answer 200; returns the answer. */
async function hits(body: Record<string, unknown>): Promise<Reply> {
  return expectCode(search({ page_size: 100, ...body }), 200);
}

const booksOf = (reply: Reply) => reply.body.books as Book[];
const idsOf = (reply: Reply) => booksOf(reply).map((b) => b.id);
const sorted = (ids: string[]) => [...ids].sort();

/** Ids found in `store_id` for `keyword` (none when the store answers 525). */
async function inStore(store_id: string, keyword: string, search_scope = 'all'): Promise<string[]> {
  const reply = await search({ keyword, search_scope, search_in_store: true, store_id, page_size: 100 });
  if (reply.status === 525) return [];
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return sorted(idsOf(reply));
}

/** Ids found site-wide for `keyword` (every page); none when it answers 523. */
async function siteWide(keyword: string, search_scope = 'all'): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; ; page++) {
    const reply = await search({ keyword, search_scope, page, page_size: 100 });
    if (reply.status === 523) return ids;
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    ids.push(...idsOf(reply));
    if (ids.length >= (reply.body.total as number) || booksOf(reply).length === 0) return ids;
  }
}

describe('every searchable field', () => {
  let store: string;
  const id = {
    mind: uid('mind'),
    forest: uid('forest'),
    cafe: uid('cafe'),
    three: uid('three'),
    trad: uid('trad'),
  };

  beforeAll(async () => {
    store = await openStore();
    await addBook(store, {
      id: id.mind,
      title: '美丽心灵',
      original_title: 'A Beautiful Mind',
      author: '[美] 西尔维娅·娜萨',
      translator: '王尔山',
      publisher: '上海科技教育出版社',
      pub_year: '2002-8',
      pages: 590,
      binding: '平装',
      isbn: '9787542826632',
      tags: ['传记', '数学', '诺贝尔奖'],
      author_intro: '西尔维娅·娜萨，曾任《纽约时报》经济记者，现任哥伦比亚大学新闻学院教授。',
      book_intro: '本书讲述了数学天才约翰·纳什的传奇一生：博弈论的奠基人，与精神分裂症搏斗三十年。',
      content: '第一章 普林斯顿的秋天。纳什走进数学系的公共休息室，黑板上写满了没有人能解开的问题。',
    });
    await addBook(store, {
      id: id.forest,
      title: '挪威的森林',
      original_title: 'ノルウェイの森',
      author: '（日）村上春树',
      translator: '林少华',
      publisher: '上海译文出版社',
      isbn: '9787532725694',
      tags: ['小说', '日本文学'],
      book_intro: '一个关于青春、爱情与失落的故事，渡边在东京度过了他的大学时代。',
      content: '三十七岁的我坐在波音747的机舱里，披头士的歌声从扬声器中传来。',
    });
    await addBook(store, {
      id: id.cafe,
      title: 'Café Society',
      author: 'Jane Marlowe',
      translator: 'Zoë Ångström',
      publisher: 'Riverside Press',
      isbn: '0-19-852663-6',
      tags: ['Fiction', 'Paris'],
      book_intro: 'A quiet lighthouse keeper writes letters to strangers across the sea.',
      content: 'The harbour smelled of salt and diesel when the ferry came in at dawn.',
    });
    await addBook(store, {
      id: id.three,
      title: '三体',
      author: '刘慈欣',
      publisher: '重庆出版社',
      tags: ['科幻'],
      book_intro: '文化大革命如火如荼进行的同时，军方探寻外星文明的绝秘计划取得了突破性进展。',
    });
    await addBook(store, {
      id: id.trad,
      title: '紅樓夢',
      author: '曹雪芹',
      tags: ['古典文學'],
      book_intro: '以賈寶玉和林黛玉的愛情悲劇為主線。',
    });
  });

  it.each([
    ['title', '美丽心灵', 'title', 'mind'],
    ['a two-character word inside a longer title', '心灵', 'title', 'mind'],
    ['author "[美] 西尔维娅·娜萨" by "娜萨"', '娜萨', 'author', 'mind'],
    ['the whole author name with its punctuation', '[美] 西尔维娅·娜萨', 'author', 'mind'],
    ['author "（日）村上春树" by "村上春树"', '村上春树', 'author', 'forest'],
    ['tag', '传记', 'tags', 'mind'],
    ['tag (scope "tag")', '日本文学', 'tag', 'forest'],
    ['a phrase of the intro', '博弈论的奠基人', 'book_intro', 'mind'],
    ['a phrase of the content', '披头士的歌声', 'content', 'forest'],
    ['a phrase of the author intro', '哥伦比亚大学新闻学院', 'author_intro', 'mind'],
    ['original title (English)', 'beautiful mind', 'original_title', 'mind'],
    ['original title (Japanese)', 'ノルウェイの森', 'original_title', 'forest'],
    ['translator', '林少华', 'translator', 'forest'],
    ['publisher', '上海译文', 'publisher', 'forest'],
    ['isbn', '9787542826632', 'isbn', 'mind'],
    ['English title, other case', 'CAFÉ SOCIETY', 'title', 'cafe'],
    ['English title without the accent: "cafe" finds "Café"', 'cafe', 'title', 'cafe'],
    ['English translator without accents', 'zoe angstrom', 'translator', 'cafe'],
    ['an English intro phrase', 'quiet lighthouse keeper', 'book_intro', 'cafe'],
    ['traditional query on simplified text (劉慈欣 → 刘慈欣)', '劉慈欣', 'author', 'three'],
    ['simplified query on traditional text (红楼梦 → 紅樓夢)', '红楼梦', 'title', 'trad'],
    ['traditional tag by simplified query', '古典文学', 'tags', 'trad'],
  ] as const)('finds by %s', async (_what, keyword, scope, which) => {
    // exactly that book in its store, scoped to the field and with scope "all"
    expect(await inStore(store, keyword, scope)).toEqual([id[which]]);
    expect(await inStore(store, keyword, 'all')).toEqual([id[which]]);
    // and site-wide (other tests' books may match too)
    expect(await siteWide(keyword, scope)).toContain(id[which]);
  });

  it('a query of several words needs all of them', async () => {
    expect(await inStore(store, '纳什 普林斯顿')).toEqual([id.mind]);
    expect(await inStore(store, 'lighthouse ferry')).toEqual([id.cafe]);
    expect(await inStore(store, '纳什 ferry')).toEqual([]);
  });

  it('scope limits the fields: a word only in the intro is not found in the title', async () => {
    expect(await inStore(store, '精神分裂症', 'book_intro')).toEqual([id.mind]);
    const reply = await expectCode(
      search({ keyword: '精神分裂症', search_scope: 'title', search_in_store: true, store_id: store }),
      525,
    );
    expect(reply.body.message).toContain(store);
    expect(await inStore(store, '心灵', 'author')).toEqual([]);
    expect(await inStore(store, '娜萨', 'title')).toEqual([]);
    expect(await inStore(store, 'lighthouse', 'content')).toEqual([]);
  });

  it('scope of several fields, "tag" accepted as "tags", "all" and no scope search everything', async () => {
    expect(await inStore(store, '娜萨', 'title author')).toEqual([id.mind]);
    expect(await inStore(store, '传记', 'title  tag')).toEqual([id.mind]);
    expect(await inStore(store, '传记', 'tag')).toEqual(await inStore(store, '传记', 'tags'));
    const noScope = await hits({ keyword: '精神分裂症', search_in_store: true, store_id: store });
    expect(idsOf(noScope)).toEqual([id.mind]);
    const nullScope = await hits({
      keyword: '精神分裂症',
      search_scope: null,
      search_in_store: true,
      store_id: store,
    });
    expect(idsOf(nullScope)).toEqual([id.mind]);
  });

  it('an unknown scope word answers 530 naming search_scope', async () => {
    for (const search_scope of ['titel', 'title bogus', 'all title', 'pictures', 'price']) {
      const reply = await expectCode(search({ keyword: '心灵', search_scope }), 530);
      expect(reply.body.message, search_scope).toContain('search_scope');
    }
  });

  it('a book shows every field of API.md, with store_id only in-store', async () => {
    const local = booksOf(await hits({ keyword: '美丽心灵', search_in_store: true, store_id: store }));
    expect(local).toHaveLength(1);
    expect(local[0]).toEqual({
      id: id.mind,
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
    });
    const site = booksOf(await hits({ keyword: '美丽心灵 纳什' })).find((b) => b.id === id.mind);
    expect(site).toBeDefined();
    expect(site).not.toHaveProperty('store_id');
    expect(site?.title).toBe('美丽心灵');
  });
});

describe('in-store and site-wide', () => {
  it('a book only in store B is not found in store A (525), is found in B and site-wide', async () => {
    const word = token('only');
    const a = await openStore();
    const b = await openStore();
    const bookA = uid('a');
    const bookB = uid('b');
    await addBook(a, { id: bookA, title: `Something else ${token('x')}` });
    await addBook(b, { id: bookB, title: `The ${word} book` });
    const reply = await expectCode(
      search({ keyword: word, search_scope: 'all', search_in_store: true, store_id: a }),
      525,
    );
    expect(reply.body.message).toContain(a);
    const inB = await hits({ keyword: word, search_in_store: true, store_id: b });
    expect(booksOf(inB).map((x) => [x.id, x.store_id])).toEqual([[bookB, b]]);
    expect(inB.body).toMatchObject({ total: 1, page: 1, page_size: 100 });
    expect(await siteWide(word)).toEqual([bookB]);
    // search_in_store false ignores store_id: the whole site
    const ignored = await hits({ keyword: word, search_in_store: false, store_id: a });
    expect(idsOf(ignored)).toEqual([bookB]);
  });

  it('an unknown store answers 524, also when the keyword would match elsewhere', async () => {
    const word = token('nostore');
    const store = await openStore();
    await addBook(store, { id: uid('b'), title: word });
    const missing = uid('missing_store');
    const reply = await expectCode(search({ keyword: word, search_in_store: true, store_id: missing }), 524);
    expect(reply.body.message).toContain(missing);
  });

  it('nothing found site-wide answers 523', async () => {
    const word = token('nothing');
    const reply = await expectCode(search({ keyword: word }), 523);
    expect(reply.body).not.toHaveProperty('books');
    await expectCode(search({ keyword: word, search_in_store: false }), 523);
  });

  it('a book listed in two stores appears once site-wide and in each store with its store_id', async () => {
    const word = token('twice');
    const s1 = await openStore();
    const other = await newUser(h.client);
    const s2 = await openStore(other);
    const shared = uid('shared');
    const single = uid('single');
    await addBook(s1, { id: shared, title: `${word} shared`, price: 1200 });
    await addBook(s2, { id: shared, title: `${word} shared`, price: 1500 }, other);
    await addBook(s2, { id: single, title: `${word} single` }, other);
    const site = await hits({ keyword: word });
    expect(sorted(idsOf(site))).toEqual(sorted([shared, single]));
    expect(site.body.total).toBe(2);
    for (const s of [s1, s2]) {
      const local = booksOf(await hits({ keyword: `${word} shared`, search_in_store: true, store_id: s }));
      expect(local.map((x) => [x.id, x.store_id])).toEqual([[shared, s]]);
    }
    const prices = booksOf(await hits({ keyword: word, search_in_store: true, store_id: s2 }));
    expect(sorted(prices.map((x) => x.id))).toEqual(sorted([shared, single]));
    expect(prices.find((x) => x.id === shared)?.price).toBe(1500);
  });

  it('a book added through the API is found by the very next request', async () => {
    const store = await openStore();
    for (let i = 0; i < 5; i++) {
      const word = token('fresh');
      const id = uid('fresh');
      await addBook(store, { id, title: `新书 ${word}`, tags: ['新到'] });
      expect(await siteWide(word)).toEqual([id]);
      expect(await inStore(store, word)).toEqual([id]);
    }
    expect((await inStore(store, '新到', 'tags')).length).toBe(5);
  });

  it('ranks a match in the title above a match only in the content', async () => {
    const word = token('rank');
    const store = await openStore();
    const inContent = uid('content');
    const inTitle = uid('title');
    await addBook(store, {
      id: inContent,
      title: 'A long winter',
      content: `Somewhere in the middle of chapter three, ${word} is mentioned once among many other words.`,
    });
    await addBook(store, { id: inTitle, title: `The ${word} chronicles` });
    const reply = await hits({ keyword: word, search_in_store: true, store_id: store });
    expect(idsOf(reply)).toEqual([inTitle, inContent]);
  });
});

describe('paging', () => {
  const word = token('page');
  const expected: string[] = [];
  let storeA: string;

  beforeAll(async () => {
    storeA = await openStore();
    const other = await newUser(h.client);
    const storeB = await openStore(other);
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
      if (i < 19) await addBook(storeA, info);
      if (i >= 15) await addBook(storeB, info, other);
    }
  });

  /** Every page of the site-wide search at page_size 5, in order. */
  async function allPages(): Promise<string[]> {
    const ids: string[] = [];
    for (let page = 1; page <= 5; page++) {
      const reply = await hits({ keyword: word, page, page_size: 5 });
      expect(reply.body).toMatchObject({ total: 23, page, page_size: 5 });
      expect(booksOf(reply)).toHaveLength(page < 5 ? 5 : 3);
      ids.push(...idsOf(reply));
    }
    return ids;
  }

  it('every page of a query with 23 matches: 23 distinct books, total 23 on every page', async () => {
    const ids = await allPages();
    expect(new Set(ids).size).toBe(23);
    expect(sorted(ids)).toEqual(sorted(expected));
  });

  it('the same order on repeated calls, and the same as one large page', async () => {
    const first = await allPages();
    expect(await allPages()).toEqual(first);
    const whole = await hits({ keyword: word, page: 1, page_size: 23 });
    expect(idsOf(whole)).toEqual(first);
    const big = await hits({ keyword: word, page: 1, page_size: 100 });
    expect(idsOf(big)).toEqual(first);
    expect(big.body).toMatchObject({ total: 23, page: 1, page_size: 100 });
  });

  it('a page past the end answers 200 with no books and the total', async () => {
    for (const page of [6, 7, 1000]) {
      const reply = await hits({ keyword: word, page, page_size: 5 });
      expect(reply.body).toMatchObject({ books: [], total: 23, page, page_size: 5 });
    }
  });

  it('in-store paging counts only that store', async () => {
    const reply = await hits({ keyword: word, search_in_store: true, store_id: storeA, page_size: 7 });
    expect(reply.body).toMatchObject({ total: 19, page: 1, page_size: 7 });
    expect(booksOf(reply)).toHaveLength(7);
    expect(booksOf(reply).every((b) => b.store_id === storeA)).toBe(true);
  });

  it('defaults to page 1 of 20', async () => {
    const reply = await expectCode(search({ keyword: word }), 200);
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
    const reply = await expectCode(search({ keyword: word, ...paging }), 530);
    expect(reply.body.message).toContain(field);
  });
});

describe('pictures', () => {
  it('books carry picture URLs that serve the bytes, never base64', async () => {
    const word = token('pic');
    const store = await openStore();
    const id = uid('pic');
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      randomBytes(64),
    ]);
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(64)]);
    const encoded = [png.toString('base64'), jpeg.toString('base64')];
    await addBook(store, { id, title: `Pictured ${word}`, pictures: encoded });

    const local = booksOf(await hits({ keyword: word, search_in_store: true, store_id: store }))[0];
    const site = booksOf(await hits({ keyword: word }))[0];
    const app = createApp(h.deps);
    for (const book of [local, site]) {
      expect(book?.id).toBe(id);
      const urls = book?.pictures as string[];
      expect(urls).toHaveLength(2);
      for (const [n, url] of urls.entries()) {
        expect(typeof url).toBe('string');
        expect(url).toMatch(/^\/(stores\/[^/]+\/)?books\/[^/]+\/pictures\/\d+$/);
        expect(url).not.toContain(encoded[n]?.slice(0, 16));
        expect(url.length).toBeLessThan(300);
        const response = await app.request(url);
        expect(response.status, url).toBe(200);
        expect(response.headers.get('content-type')).toBe(n === 0 ? 'image/png' : 'image/jpeg');
        expect(Buffer.from(await response.arrayBuffer()).equals(n === 0 ? png : jpeg)).toBe(true);
      }
    }
    const text = JSON.stringify(await hits({ keyword: word }));
    for (const e of encoded) expect(text).not.toContain(e.slice(0, 32));
  });

  it('a book without pictures shows an empty list', async () => {
    const word = token('nopic');
    const store = await openStore();
    await addBook(store, { id: uid('nopic'), title: word, pictures: null });
    expect(booksOf(await hits({ keyword: word }))[0]?.pictures).toEqual([]);
  });
});

describe('bad input and aliases', () => {
  it.each([
    ['no keyword', {}, 'keyword'],
    ['an empty keyword', { keyword: '' }, 'keyword'],
    ['a blank keyword', { keyword: '   ' }, 'keyword'],
    ['a numeric keyword', { keyword: 42 }, 'keyword'],
    ['a string search_in_store', { keyword: 'x', search_in_store: 'yes' }, 'search_in_store'],
    ['a numeric search_in_store', { keyword: 'x', search_in_store: 1 }, 'search_in_store'],
    ['search_in_store without store_id', { keyword: 'x', search_in_store: true }, 'store_id'],
    ['a numeric store_id', { keyword: 'x', search_in_store: true, store_id: 7 }, 'store_id'],
    ['a numeric search_scope', { keyword: 'x', search_scope: 3 }, 'search_scope'],
  ])('%s answers 530 naming the field', async (_what, body, field) => {
    const reply = await expectCode(search(body), 530);
    expect(reply.body.message).toContain(field);
  });

  it('a body that is not JSON answers 530', async () => {
    await expectCode(h.client.post('/search/search_books', '{"keyword": '), 530);
  });

  it('/buyer/search and /seller/search answer the same as /search/search_books', async () => {
    const word = token('alias');
    const store = await openStore();
    for (let i = 0; i < 3; i++) await addBook(store, { id: uid('alias'), title: `${word} ${i}` });
    const bodies = [
      { keyword: word, page_size: 2 },
      { keyword: word, search_in_store: true, store_id: store, search_scope: 'title' },
      { keyword: token('none') },
      { keyword: word, search_in_store: true, store_id: uid('nostore') },
      { keyword: word, search_scope: 'nope' },
    ];
    for (const body of bodies) {
      const main = await search(body);
      for (const path of ['/buyer/search', '/seller/search']) {
        const alias = await search(body, path);
        expect({ path, status: alias.status, body: alias.body }).toEqual({
          path,
          status: main.status,
          body: main.body,
        });
      }
    }
    expect((await search(bodies[0] as Record<string, unknown>)).body.total).toBe(3);
  });
});
