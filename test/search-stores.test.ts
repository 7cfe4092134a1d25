/**
 * Search in one store and site-wide (API.md, Search), in-process: a store finds only its own
 * listings (525 when none match, 524 for a store that does not exist), the site answers 523 when
 * nothing matches, a book listed by two stores counts once site-wide and shows each store's own
 * listing in-store, and a book added is found by the very next request.
 */
import { describe, expect, it } from 'vitest';
import { expectCode } from './contract/helpers.ts';
import { newUser, uid } from './support/client.ts';
import { booksOf, idsOf, searchSuite, sorted, token } from './support/search.ts';

const s = searchSuite();

describe('in-store and site-wide', () => {
  it('a book only in store B is not found in store A (525), is found in B and site-wide', async () => {
    const word = token('only');
    const a = await s.openStore();
    const b = await s.openStore();
    const bookA = uid('a');
    const bookB = uid('b');
    await s.addBook(a, { id: bookA, title: `Something else ${token('x')}` });
    await s.addBook(b, { id: bookB, title: `The ${word} book` });
    const reply = await expectCode(
      s.search({ keyword: word, search_scope: 'all', search_in_store: true, store_id: a }),
      525,
    );
    expect(reply.body.message).toContain(a);
    const inB = await s.hits({ keyword: word, search_in_store: true, store_id: b });
    expect(booksOf(inB).map((x) => [x.id, x.store_id])).toEqual([[bookB, b]]);
    expect(inB.body).toMatchObject({ total: 1, page: 1, page_size: 100 });
    expect(await s.siteWide(word)).toEqual([bookB]);
    // search_in_store false ignores store_id: the whole site
    const ignored = await s.hits({ keyword: word, search_in_store: false, store_id: a });
    expect(idsOf(ignored)).toEqual([bookB]);
  });

  it('an unknown store answers 524, also when the keyword would match elsewhere', async () => {
    const word = token('nostore');
    const store = await s.openStore();
    await s.addBook(store, { id: uid('b'), title: word });
    const missing = uid('missing_store');
    const reply = await expectCode(
      s.search({ keyword: word, search_in_store: true, store_id: missing }),
      524,
    );
    expect(reply.body.message).toContain(missing);
  });

  it('nothing found site-wide answers 523', async () => {
    const word = token('nothing');
    const reply = await expectCode(s.search({ keyword: word }), 523);
    expect(reply.body).not.toHaveProperty('books');
    await expectCode(s.search({ keyword: word, search_in_store: false }), 523);
  });

  it('a book listed in two stores appears once site-wide and in each store with its store_id', async () => {
    const word = token('twice');
    const s1 = await s.openStore();
    const other = await newUser(s.h.client);
    const s2 = await s.openStore(other);
    const shared = uid('shared');
    const single = uid('single');
    await s.addBook(s1, { id: shared, title: `${word} shared`, price: 1200 });
    await s.addBook(s2, { id: shared, title: `${word} shared`, price: 1500 }, other);
    await s.addBook(s2, { id: single, title: `${word} single` }, other);
    const site = await s.hits({ keyword: word });
    expect(sorted(idsOf(site))).toEqual(sorted([shared, single]));
    expect(site.body.total).toBe(2);
    for (const store of [s1, s2]) {
      const local = booksOf(
        await s.hits({ keyword: `${word} shared`, search_in_store: true, store_id: store }),
      );
      expect(local.map((x) => [x.id, x.store_id])).toEqual([[shared, store]]);
    }
    const prices = booksOf(await s.hits({ keyword: word, search_in_store: true, store_id: s2 }));
    expect(sorted(prices.map((x) => x.id))).toEqual(sorted([shared, single]));
    expect(prices.find((x) => x.id === shared)?.price).toBe(1500);
  });

  it('a book added through the API is found by the very next request', async () => {
    const store = await s.openStore();
    const added: string[] = [];
    for (let i = 0; i < 5; i++) {
      const word = token('fresh');
      const id = uid('fresh');
      await s.addBook(store, { id, title: `新书 ${word}`, tags: ['新到'] });
      added.push(id);
      expect(await s.siteWide(word)).toEqual([id]);
      expect(await s.inStore(store, word)).toEqual([id]);
      expect(await s.inStore(store, '新到', 'tags')).toEqual(sorted(added));
    }
  });
});
