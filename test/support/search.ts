/**
 * Shared set-up of the in-process search tests. `searchSuite()` gives a test file a harness of its
 * own (its own key prefix: a site-wide search sees that file's books only) with a seller, and
 * helpers to open stores, add books with every field of book_info, and search in a store or
 * site-wide. A test asserts exact sets only in stores it opened, or site-wide for a word no other
 * test of its file uses (`token`).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import { expectCode } from '../contract/helpers.ts';
import { expectOk, newUser, type Reply, uid } from './client.ts';
import { type Harness, startHarness } from './harness.ts';

export type Seller = Awaited<ReturnType<typeof newUser>>;
export type BookInfo = { id: string; title: string; price?: number; [field: string]: unknown };
export type Book = { id: string; store_id?: string; pictures: unknown; [field: string]: unknown };
type Body = Record<string, unknown>;

/** A word of Latin letters and digits no other test (or run) uses. */
export const token = (kind: string) => `${kind}${randomBytes(5).toString('hex')}`;

export const booksOf = (reply: Reply) => reply.body.books as Book[];
export const idsOf = (reply: Reply) => booksOf(reply).map((b) => b.id);
export const sorted = (ids: string[]) => [...ids].sort();

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

/** A book with every field filled, Chinese text throughout. */
export const beautifulMind = (id: string): BookInfo => ({
  id,
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

/** Registers the harness's start and close with the test file; the returned helpers use it. */
export function searchSuite() {
  const suite = new SearchSuite();
  beforeAll(() => suite.start());
  afterAll(() => suite.close());
  return suite;
}

export class SearchSuite {
  private harness: Harness | undefined;
  private owner: Seller | undefined;

  async start(): Promise<void> {
    this.harness = await startHarness();
    this.owner = await newUser(this.harness.client);
  }

  async close(): Promise<void> {
    await this.harness?.close();
  }

  get h(): Harness {
    if (!this.harness) throw new Error('the search suite has not started');
    return this.harness;
  }

  /** The seller of the file's stores (registered at start). */
  get seller(): Seller {
    return this.owner as Seller;
  }

  async openStore(owner: Seller = this.seller): Promise<string> {
    const store_id = uid('sstore');
    await expectOk(
      this.h.client.post(
        '/seller/create_store',
        { user_id: owner.user_id, store_id },
        { token: owner.token },
      ),
    );
    return store_id;
  }

  async addBook(store_id: string, info: BookInfo, owner: Seller = this.seller): Promise<void> {
    const body = { user_id: owner.user_id, store_id, book_info: fullInfo(info), stock_level: 5 };
    await expectOk(this.h.client.post('/seller/add_book', body, { token: owner.token }));
  }

  search(body: Body, path = '/search/search_books'): Promise<Reply> {
    return this.h.client.post(path, body);
  }

  /** A search that must answer 200 (100 books a page unless asked); returns the answer. */
  hits(body: Body): Promise<Reply> {
    return expectCode(this.search({ page_size: 100, ...body }), 200);
  }

  /** Ids found in `store_id` for `keyword`, sorted (none when the store answers 525). */
  async inStore(store_id: string, keyword: string, search_scope = 'all'): Promise<string[]> {
    const reply = await this.search({
      keyword,
      search_scope,
      search_in_store: true,
      store_id,
      page_size: 100,
    });
    if (reply.status === 525) return [];
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return sorted(idsOf(reply));
  }

  /** Ids found site-wide for `keyword` (every page); none when it answers 523. */
  async siteWide(keyword: string, search_scope = 'all'): Promise<string[]> {
    const ids: string[] = [];
    for (let page = 1; ; page++) {
      const reply = await this.search({ keyword, search_scope, page, page_size: 100 });
      if (reply.status === 523) return ids;
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      ids.push(...idsOf(reply));
      if (ids.length >= (reply.body.total as number) || booksOf(reply).length === 0) return ids;
    }
  }
}
