/**
 * The FTS5 book index on its own (no Redis): ranking ties, ISBNs, one-character and multi-word
 * Chinese queries, one document per distinct version of a book, and the index file surviving a close
 * (with nothing left of a version replaced within a batch) while a second opener of a held file is
 * refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BookRecord, SEARCH_FIELDS, type SearchField } from '../src/catalogue/book.ts';
import { BookIndex } from '../src/search/book-index.ts';
import { isBusy } from '../src/search/sqlite.ts';

const ids = (
  index: BookIndex,
  keyword: string,
  fields: readonly SearchField[] = SEARCH_FIELDS,
  store?: string,
) => index.query(keyword, fields, store).hits.map((hit) => hit.book.id);
const book = (id: string, fields: Partial<BookRecord> = {}): BookRecord => ({
  id,
  title: 't',
  price: 1,
  ...fields,
});

describe('ranking and ties', () => {
  it('identical books score alike on the first search after one was replaced', () => {
    const index = new BookIndex();
    const books = [0, 1, 2, 3].map((i) => book(`b${i}`, { title: `tie ${i}` }));
    for (const b of books) index.upsert('s', b);
    const replaced = books[2] as BookRecord;
    index.upsert('s', { ...replaced, title: 'tie 2 changed' });
    index.upsert('s', replaced);
    const { hits, total } = index.query('tie', SEARCH_FIELDS);
    expect(total).toBe(4);
    expect(hits.map((hit) => hit.book.id).sort()).toEqual(['b0', 'b1', 'b2', 'b3']);
    expect(new Set(hits.map((hit) => hit.score)).size).toBe(1);
  });

  it('equal scores come in the same order whatever the order the books were indexed in', () => {
    const orders = [
      [0, 1, 2, 3, 4, 5, 6, 7],
      [7, 3, 5, 0, 6, 2, 4, 1],
      [4, 5, 6, 7, 0, 1, 2, 3],
    ];
    const answers = orders.map((order) => {
      const index = new BookIndex();
      for (const i of order) index.upsert(`s${i % 3}`, book(`b${i}`, { title: `tie ${i}` }));
      return ids(index, 'tie');
    });
    expect(answers[0]).toHaveLength(8);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  it('a title match ranks above a content match', () => {
    const index = new BookIndex();
    index.upsert('s', book('in-content', { content: 'walrus' }));
    index.upsert('s', book('in-title', { title: 'walrus' }));
    expect(ids(index, 'walrus')).toEqual(['in-title', 'in-content']);
  });

  it('pages are slices of one order', () => {
    const index = new BookIndex();
    for (let i = 0; i < 25; i++)
      index.upsert('s', book(`p${String(i).padStart(2, '0')}`, { title: `pager ${'x '.repeat(i % 4)}` }));
    const whole = ids(index, 'pager');
    const paged = [0, 10, 20].flatMap((offset) =>
      index.query('pager', SEARCH_FIELDS, undefined, { offset, limit: 10 }).hits.map((h) => h.book.id),
    );
    expect(paged).toEqual(whole);
    expect(new Set(paged).size).toBe(25);
  });

  it('pages past the cached head of a ranking (1,000) continue the same order', () => {
    const index = new BookIndex();
    index.upsertAll(
      Array.from({ length: 1_050 }, (_, i) => ({
        store: 's',
        book: book(`deep${i}`, { title: `deepword ${'filler '.repeat(i % 7)}` }),
      })),
    );
    const whole = ids(index, 'deepword');
    const paged: string[] = [];
    for (let offset = 0; offset < 1_100; offset += 30) {
      const page = index.query('deepword', SEARCH_FIELDS, undefined, { offset, limit: 30 });
      expect(page.total).toBe(1_050);
      paged.push(...page.hits.map((hit) => hit.book.id));
    }
    expect(paged).toEqual(whole);
    expect(new Set(paged).size).toBe(1_050);
  });

  it('every hit has its book when a page mixes cached and evicted documents', () => {
    const index = new BookIndex(':memory:', 5_000);
    index.upsertAll(
      Array.from({ length: 5_100 }, (_, i) => ({ store: 's', book: book(`e${i}`, { title: 'evictword' }) })),
    );
    const page = (offset: number) =>
      index.query('evictword', SEARCH_FIELDS, undefined, { offset, limit: 100 }).hits;
    for (let offset = 0; offset < 5_100; offset += 100) expect(page(offset)).toHaveLength(100);
    const mixed = page(50);
    expect(mixed).toHaveLength(100);
    for (const hit of mixed) expect(hit.book.title).toBe('evictword');
  });
});

describe('terms', () => {
  it('finds an ISBN by its digits and by its hyphenated form, however it was stored', () => {
    const index = new BookIndex();
    index.upsert('s', book('hyphenated', { isbn: '978-7-5442-5399-4' }));
    index.upsert('s', book('bare', { isbn: '9787544253995' }));
    expect(ids(index, '9787544253994', ['isbn'])).toEqual(['hyphenated']);
    expect(ids(index, '978-7-5442-5399-4', ['isbn'])).toEqual(['hyphenated']);
    expect(ids(index, '978-7-5442-5399-5', ['isbn'])).toEqual(['bare']);
  });

  it('a one-character query finds the character at the start, middle or end of a word', () => {
    const index = new BookIndex();
    index.upsert('s', book('liu', { author: '[中] 刘慈欣' }));
    index.upsert('s', book('other', { author: '王小波' }));
    for (const char of ['刘', '慈', '欣']) expect(ids(index, char)).toEqual(['liu']);
    expect(ids(index, '波')).toEqual(['other']);
  });

  it('a name must appear whole; two words of a query need not be adjacent', () => {
    const index = new BookIndex();
    index.upsert('s', book('whole', { title: '刘慈欣的科幻小说' }));
    index.upsert('s', book('apart', { title: '刘慈和慈欣' }));
    expect(ids(index, '刘慈欣')).toEqual(['whole']);
    expect(ids(index, '刘慈欣小说')).toEqual(['whole']);
    expect(ids(index, '中国科幻小说')).toEqual([]);
    index.upsert('s', book('cn', { title: '中国的科幻小说' }));
    expect(ids(index, '中国科幻小说')).toEqual(['cn']);
  });

  it('client text never reaches FTS5 as syntax', () => {
    const index = new BookIndex();
    index.upsert('s', book('q', { title: 'near or and not' }));
    for (const keyword of ['"', 'title:', 'NEAR(a b)', '*', 'a OR', '(', '^x', 'NOT']) {
      expect(() => index.query(keyword, SEARCH_FIELDS)).not.toThrow();
    }
    expect(ids(index, 'OR')).toEqual(['q']);
  });
});

describe('documents and listings', () => {
  it('one book listed by many stores is one document: counted once site-wide, once per store', () => {
    const index = new BookIndex();
    for (let s = 0; s < 50; s++) index.upsert(`store${s}`, book('shared', { title: 'ubiquitous' }));
    index.upsert('', book('shared', { title: 'ubiquitous' }));
    expect(index.size).toBe(51);
    const site = index.query('ubiquitous', SEARCH_FIELDS);
    expect(site.total).toBe(1);
    expect(site.hits[0]?.store).toBe('');
    expect(index.query('ubiquitous', SEARCH_FIELDS, 'store7')).toMatchObject({
      total: 1,
      hits: [{ store: 'store7' }],
    });
    expect(index.countIn('store7')).toBe(1);
  });

  it('two versions of a book: each store finds its own, site-wide counts the book once', () => {
    const index = new BookIndex();
    index.upsert('a', book('v', { title: 'variant alpha' }));
    index.upsert('b', book('v', { title: 'variant beta' }));
    index.upsert('c', book('w', { title: 'variant gamma' }));
    expect(index.query('variant', SEARCH_FIELDS).total).toBe(2);
    expect(ids(index, 'variant').sort()).toEqual(['v', 'w']);
    expect(index.query('variant', SEARCH_FIELDS, 'b').hits[0]?.book.title).toBe('variant beta');
    expect(ids(index, 'alpha', SEARCH_FIELDS, 'b')).toEqual([]);
  });

  it('a cached answer is forgotten when a book is added', () => {
    const index = new BookIndex();
    index.upsert('s', book('first', { title: 'cachedword' }));
    expect(ids(index, 'cachedword')).toEqual(['first']);
    index.upsert('t', book('second', { title: 'cachedword' }));
    expect(ids(index, 'cachedword').sort()).toEqual(['first', 'second']);
    expect(ids(index, 'cachedword', SEARCH_FIELDS, 't')).toEqual(['second']);
  });

  it('the same book again changes nothing', () => {
    const index = new BookIndex();
    expect(index.upsert('s', book('once'))).toBe(true);
    expect(index.upsert('s', book('once'))).toBe(false);
    expect(index.size).toBe(1);
  });
});

describe('the index file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bookstore-index-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps its books and meta across a close, and refuses a second opener while held', () => {
    const file = join(dir, 'index.sqlite');
    const first = new BookIndex(file);
    first.upsert('s', book('kept', { title: 'persistent' }));
    first.setMeta('epoch', 'e1');
    let refused: unknown;
    try {
      new BookIndex(file).close();
    } catch (error) {
      refused = error;
    }
    expect(isBusy(refused)).toBe(true);
    first.close();
    const again = new BookIndex(file);
    expect(again.meta('epoch')).toBe('e1');
    expect(ids(again, 'persistent')).toEqual(['kept']);
    again.clear();
    expect(again.size).toBe(0);
    expect(ids(again, 'persistent')).toEqual([]);
    again.close();
  });

  it('a book replaced within one batch leaves no trace of its first version', () => {
    const file = join(dir, 'batch.sqlite');
    const first = new BookIndex(file);
    first.upsertAll([
      { store: 's', book: book('x', { title: 'replaced first' }) },
      { store: 's', book: book('x', { title: 'replaced second' }) },
    ]);
    first.close();
    // Reopened, the index no longer knows that the book once had two versions.
    const again = new BookIndex(file);
    expect(again.query('replaced', SEARCH_FIELDS).hits.map((hit) => hit.book.title)).toEqual([
      'replaced second',
    ]);
    expect(ids(again, 'first')).toEqual([]);
    again.close();
  });

  it('empties a file written by another version of its tables', () => {
    const file = join(dir, 'old.sqlite');
    const old = new BookIndex(file);
    old.upsert('s', book('old', { title: 'ancient' }));
    old.setMeta('schema', '1');
    old.close();
    const again = new BookIndex(file);
    expect(again.size).toBe(0);
    expect(ids(again, 'ancient')).toEqual([]);
    again.close();
  });
});
