/**
 * The demo catalogue: book i of n is the same in every run (mulberry32 seeded by i), so a re-run
 * lists nothing new and the walk-through's book is always the same. Two books in three are Chinese,
 * one in three English; each has a generated PNG cover, a price in cents, tags and short intros.
 *
 * The walk-through's search words (accounts.ts SEARCH_WORDS) are placed only in chosen titles:
 * 灯塔 in the Chinese books with i % 7 == 0 (book 0, the featured one, among them), "Lighthouse" in
 * the English books with i % 7 == 1 (book 1 among them). No other word of the vocabulary holds the
 * characters 灯 or 塔 or the word "lighthouse", so `searchHits(n)` is exactly what a search finds
 * once every book is indexed.
 */
import { prng } from '../../test/support/prng.ts';
import { STORES } from './accounts.ts';
import { coverPng } from './cover.ts';

type Rand = () => number;
const pick = <T>(r: Rand, list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
const between = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const words = (text: string) => text.split(/\s+/).filter(Boolean);

const ZH = {
  nouns: words(`河流 森林 星空 海洋 黎明 黄昏 故乡 远方 城市 小镇 花园 岛屿 山谷 雪原 草原 沙漠 港口 铁路
    书店 钟声 雨季 冬天 夏天 秋天 月亮 火焰 风暴 记忆 秘密 梦境 时间 旅程 归途 信件 日记`),
  people: words(`旅人 信使 守望者 航海家 钟表匠 画家 诗人 医生 教师 侦探 邮差 船长 园丁 少年 女儿 祖父`),
  links: words(`的 与 和 之 中的 里的`),
  surnames: [...'王李张陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭'],
  given: [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华玉兰飞红宇浩凯鹏雪琳晨辉宁波旭东海峰然'],
  publishers: words(`人民文学出版社 作家出版社 译林出版社 上海译文出版社 中信出版社 商务印书馆 三联书店
    浙江文艺出版社 广西师范大学出版社`),
  tags: words(`小说 科幻 历史 诗歌 散文 推理 童话 旅行 哲学 传记 文学 经典 成长 自然`),
  genres: words(`长篇小说 短篇小说集 散文集 诗集 科幻小说 推理小说 历史随笔 旅行笔记`),
  deeds: words(`寻找失散的亲人 守护一座小城 穿越漫长的冬天 重建被遗忘的家园 追寻父亲的足迹
    记录一个时代的变迁 揭开一桩旧案的真相 走过万水千山`),
  praise: words(`文字克制而深情 结构精巧 语言清澈 情节曲折动人 充满想象力 细节丰富 温暖而有力量`),
};

const EN = {
  adjectives: words(`Silent Distant Northern Hidden Golden Broken Endless Quiet Wild Last Lost Winter`),
  nouns: words(`River Forest Harbour Garden Island Valley Mountain Road Station Library Orchard Bridge
    Tide Storm Letters Voyage Summer Shadow`),
  people: words(`Traveller Keeper Painter Doctor Teacher Detective Sailor Gardener Daughter Clockmaker`),
  first: words(`John Mary William Anna George Elizabeth Charles Emily Thomas Sarah James Alice`),
  last: words(`Smith Brown Taylor Wilson Evans Walker Wright Roberts Green Hall Wood Clarke`),
  publishers: words(`Penguin Vintage HarperCollins Faber Picador Bloomsbury`),
  tags: words(`fiction science-fiction history poetry essays mystery travel philosophy biography classic`),
  genres: words(`novel story collection memoir mystery saga`),
  deeds: [
    'searches for a lost brother in',
    'keeps a promise in',
    'returns home to',
    'rebuilds a life in',
    'remembers one summer in',
  ],
  places: [
    'a small harbour town',
    'the northern mountains',
    'a city at war',
    'an island in the fog',
    'the old family house',
  ],
};

// Checked once, at load: the search words occur in the chosen titles only, so searchHits is exact.
{
  const vocabulary = JSON.stringify([ZH, EN]).toLowerCase();
  for (const word of ['灯', '塔', 'lighthouse'])
    if (vocabulary.includes(word)) throw new Error(`demo catalogue: the vocabulary holds ${word}`);
}

export interface DemoBook {
  id: string;
  title: string;
  author: string;
  publisher: string;
  original_title: string | null;
  translator: string | null;
  pub_year: string;
  pages: number;
  price: number;
  currency_unit: string;
  binding: string;
  isbn: string;
  author_intro: string;
  book_intro: string;
  content: string;
  tags: string[];
  /** base64 PNG covers */
  pictures: string[];
}

/** The id of book i. */
export const bookId = (i: number) => `demo-${String(i + 1).padStart(4, '0')}`;
/** The store that lists book i. */
export const storeOf = (i: number) => STORES[i % STORES.length] as string;
const isEnglish = (i: number) => i % 3 === 1;
const carriesChinese = (i: number) => !isEnglish(i) && i % 7 === 0;
const carriesEnglish = (i: number) => isEnglish(i) && i % 7 === 1;

/** How many of books 0..n-1 are English. */
export const englishBooks = (n: number) => Array.from({ length: n }, (_, i) => i).filter(isEnglish).length;

/** How many of books 0..n-1 the walk-through's searches find. */
export function searchHits(n: number): { chinese: number; english: number } {
  let chinese = 0;
  let english = 0;
  for (let i = 0; i < n; i++) {
    if (carriesChinese(i)) chinese++;
    if (carriesEnglish(i)) english++;
  }
  return { chinese, english };
}

const zhName = (r: Rand) => pick(r, ZH.surnames) + pick(r, ZH.given) + (r() < 0.6 ? pick(r, ZH.given) : '');

function chineseBook(r: Rand, i: number) {
  const head = carriesChinese(i) ? '灯塔' : pick(r, ZH.nouns);
  const title =
    r() < 0.5 ? `${head}${pick(r, ZH.links)}${pick(r, ZH.people)}` : `${head}与${pick(r, ZH.nouns)}`;
  const author = zhName(r);
  const genre = pick(r, ZH.genres);
  return {
    title,
    author,
    publisher: pick(r, ZH.publishers),
    binding: pick(r, ['平装', '精装']),
    author_intro: `${author}，作家，生于${between(r, 1950, 1995)}年，著有${genre}多部。`,
    book_intro: `《${title}》是${author}的${genre}，讲述一位${pick(r, ZH.people)}${pick(r, ZH.deeds)}的故事。${pick(r, ZH.praise)}。`,
    content: `第一章 ${pick(r, ZH.nouns)}\n第二章 ${pick(r, ZH.nouns)}\n第三章 ${pick(r, ZH.people)}`,
    tags: [...new Set([pick(r, ZH.tags), pick(r, ZH.tags), pick(r, ZH.tags)])],
  };
}

function englishBook(r: Rand, i: number) {
  const head = carriesEnglish(i) ? 'Lighthouse' : pick(r, EN.nouns);
  const title = r() < 0.5 ? `The ${pick(r, EN.adjectives)} ${head}` : `The ${head} ${pick(r, EN.people)}`;
  const author = `${pick(r, EN.first)} ${pick(r, EN.last)}`;
  const genre = pick(r, EN.genres);
  return {
    title,
    author,
    publisher: pick(r, EN.publishers),
    binding: pick(r, ['Paperback', 'Hardcover']),
    author_intro: `${author} was born in ${between(r, 1940, 1990)} and has written ${between(r, 2, 12)} books.`,
    book_intro: `A ${genre} about a ${pick(r, EN.people).toLowerCase()} who ${pick(r, EN.deeds)} ${pick(r, EN.places)}.`,
    content: `1. ${pick(r, EN.nouns)}\n2. ${pick(r, EN.nouns)}\n3. ${pick(r, EN.people)}`,
    tags: [...new Set([pick(r, EN.tags), pick(r, EN.tags)])],
  };
}

/** Book i: the same in every run. */
export function demoBook(i: number): DemoBook {
  const r = prng(Math.imul(i + 1, 0x9e3779b1) ^ 0x2545f491);
  const english = isEnglish(i);
  const text = english ? englishBook(r, i) : chineseBook(r, i);
  const translated = !english && r() < 0.25;
  const titleBars = Array.from({ length: between(r, 1, 3) }, () => 0.5 + r() / 2);
  return {
    id: bookId(i),
    ...text,
    original_title: translated ? `The ${pick(r, EN.adjectives)} ${pick(r, EN.nouns)}` : null,
    translator: translated ? zhName(r) : null,
    pub_year: `${between(r, 1980, 2024)}-${between(r, 1, 12)}`,
    pages: between(r, 120, 720),
    price: i === 0 ? 4500 : between(r, 15, 120) * 100 + (r() < 0.5 ? 0 : 50),
    currency_unit: '元',
    isbn: `978${english ? '0' : '7'}${String(100_000_000 + i * 7919).slice(-9)}`,
    pictures: [coverPng(Math.floor(r() * 360), titleBars).toString('base64')],
  };
}

/** The stock book i is listed with: the featured book's is topped up separately (seed.ts). */
export const stockOf = (i: number) => 20 + ((i * 37) % 181);
