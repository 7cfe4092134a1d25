/**
 * What a search request may be (API.md, Search), in-process: a missing, blank or mistyped field, or
 * a body that is not JSON, answers 530 naming the field; /buyer/search and /seller/search are
 * aliases of /search/search_books.
 */
import { describe, expect, it } from 'vitest';
import { expectCode } from './contract/helpers.ts';
import { uid } from './support/client.ts';
import { searchSuite, token } from './support/search.ts';

const s = searchSuite();

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
    const reply = await expectCode(s.search(body), 530);
    expect(reply.body.message).toContain(field);
  });

  it('a body that is not JSON answers 530', async () => {
    await expectCode(s.h.client.post('/search/search_books', '{"keyword": '), 530);
  });

  it('/buyer/search and /seller/search answer the same as /search/search_books', async () => {
    const word = token('alias');
    const store = await s.openStore();
    for (let i = 0; i < 3; i++) await s.addBook(store, { id: uid('alias'), title: `${word} ${i}` });
    const bodies = [
      { keyword: word, page_size: 2 },
      { keyword: word, search_in_store: true, store_id: store, search_scope: 'title' },
      { keyword: token('none') },
      { keyword: word, search_in_store: true, store_id: uid('nostore') },
      { keyword: word, search_scope: 'nope' },
    ];
    for (const body of bodies) {
      const main = await s.search(body);
      for (const path of ['/buyer/search', '/seller/search']) {
        const alias = await s.search(body, path);
        expect({ path, status: alias.status, body: alias.body }).toEqual({
          path,
          status: main.status,
          body: main.body,
        });
      }
    }
    // the comparisons above were of real answers: the first body finds the three books
    expect((await s.search(bodies[0] as Record<string, unknown>)).body.total).toBe(3);
  });
});
