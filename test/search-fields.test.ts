/**
 * Search by field (API.md, Search), in-process: each searchable field found by its words, Chinese by
 * words and bigrams, Latin case- and accent-insensitive, traditional queries on simplified text and
 * back; a query's words all needed; `search_scope` limiting the fields, and 530 for an unknown one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectCode } from './contract/helpers.ts';
import { uid } from './support/client.ts';
import { beautifulMind, idsOf, searchSuite } from './support/search.ts';

const s = searchSuite();

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
    store = await s.openStore();
    await s.addBook(store, beautifulMind(id.mind));
    await s.addBook(store, {
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
    await s.addBook(store, {
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
    await s.addBook(store, {
      id: id.three,
      title: '三体',
      author: '刘慈欣',
      publisher: '重庆出版社',
      tags: ['科幻'],
      book_intro: '文化大革命如火如荼进行的同时，军方探寻外星文明的绝秘计划取得了突破性进展。',
    });
    await s.addBook(store, {
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
    expect(await s.inStore(store, keyword, scope)).toEqual([id[which]]);
    expect(await s.inStore(store, keyword, 'all')).toEqual([id[which]]);
    // and site-wide, where this file's store is the only one
    expect(await s.siteWide(keyword, scope)).toEqual([id[which]]);
  });

  it('a query of several words needs all of them', async () => {
    expect(await s.inStore(store, '纳什 普林斯顿')).toEqual([id.mind]);
    expect(await s.inStore(store, 'lighthouse ferry')).toEqual([id.cafe]);
    expect(await s.inStore(store, '纳什 ferry')).toEqual([]);
  });

  it('scope limits the fields: a word only in the intro is not found in the title', async () => {
    expect(await s.inStore(store, '精神分裂症', 'book_intro')).toEqual([id.mind]);
    const reply = await expectCode(
      s.search({ keyword: '精神分裂症', search_scope: 'title', search_in_store: true, store_id: store }),
      525,
    );
    expect(reply.body.message).toContain(store);
    expect(await s.inStore(store, '心灵', 'author')).toEqual([]);
    expect(await s.inStore(store, '娜萨', 'title')).toEqual([]);
    expect(await s.inStore(store, 'lighthouse', 'content')).toEqual([]);
  });

  it('scope of several fields, "tag" accepted as "tags", "all" and no scope search everything', async () => {
    expect(await s.inStore(store, '娜萨', 'title author')).toEqual([id.mind]);
    expect(await s.inStore(store, '传记', 'title  tag')).toEqual([id.mind]);
    expect(await s.inStore(store, '传记', 'tag')).toEqual(await s.inStore(store, '传记', 'tags'));
    const noScope = await s.hits({ keyword: '精神分裂症', search_in_store: true, store_id: store });
    expect(idsOf(noScope)).toEqual([id.mind]);
    const nullScope = await s.hits({
      keyword: '精神分裂症',
      search_scope: null,
      search_in_store: true,
      store_id: store,
    });
    expect(idsOf(nullScope)).toEqual([id.mind]);
  });

  it('an unknown scope word answers 530 naming search_scope', async () => {
    for (const search_scope of ['titel', 'title bogus', 'all title', 'pictures', 'price']) {
      const reply = await expectCode(s.search({ keyword: '心灵', search_scope }), 530);
      expect(reply.body.message, search_scope).toContain('search_scope');
    }
  });
});
