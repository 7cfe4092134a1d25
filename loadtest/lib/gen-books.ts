/**
 * A deterministic catalogue for bench-search: book `i` of N is the same in every run (a PRNG seeded
 * by `i`), written straight into the imported catalogue's hash (`keys.catalogueBooks()`, HSET in
 * pipelined batches) so the server indexes it at start. No pictures.
 *
 * Books look like a Chinese bookshop's: four in five Chinese (titles of 2 to 4 words, Chinese or
 * transliterated foreign authors, translators, Chinese intros), one in five English. Lengths are
 * realistic: book intro about 200 characters, content about 300, author intro about 350 (Chinese
 * characters or English letters). The filler text mixes words of a fixed vocabulary.
 *
 * Known hit counts: the MARKERS below are placed only in the books their rule selects, and none of
 * their characters (Chinese) or words (English) occurs in the filler vocabulary, which is checked
 * when this module loads. Since a Chinese query matches by character bigrams, a marker whose
 * characters appear nowhere else matches exactly the books it was placed in, so `expectedHits` is
 * exact for every N and the bench can check `total` before it measures anything.
 */
import type { Cluster, Redis } from 'ioredis';
import type { BookRecord } from '../../src/catalogue/book.ts';
import type { Keys } from '../../src/redis/keys.ts';
import { fold } from '../../src/search/tokenize.ts';
import { prng } from '../../test/support/prng.ts';

type Rand = ReturnType<typeof prng>;
const pick = <T>(r: Rand, list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
const between = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

// ---- the filler vocabulary (no marker character or word may appear in it: checked below) ----

/** Words of a list written as one text, separated by white space (or `sep`). */
const words = (text: string, sep: string | RegExp = /\s+/) => text.split(sep).filter(Boolean);

const ZH_WORDS =
  words(`世界 历史 文化 社会 人生 故事 时代 城市 记忆 家族 命运 战争 和平 爱情 友谊 青年 旅行 自然 科学 技术
艺术 音乐 哲学 经济 政治 思想 传统 现代 未来 过去 梦想 希望 孤独 自由 真相 秘密 勇气 智慧 时间 空间
宇宙 星辰 海洋 山川 河流 森林 草原 沙漠 小镇 街道 学校 医院 工厂 市场 书店 图书馆 作家 诗人 医生 教师
学生 母亲 父亲 兄弟 姐妹 朋友 邻居 陌生人 英雄 普通人 女性 男性 儿童 老人 战士 商人 农民 工人 旅人
记者 侦探 语言 文字 书信 日记 诗歌 小说 散文 传记 随笔 评论 研究 探索 发现 发明 创造 改变 成长 失去
寻找 回忆 等待 相遇 离别 告别 归来 出发 远方 故乡 异乡 黎明 黄昏 夜晚 冬天 夏天 秋天 雨季 风雪 阳光
月亮 火焰 光明 黑暗 沉默 声音 色彩 温暖 寒冷 深刻 细腻 温柔 残酷 真实 虚构 经典 畅销 获奖 作品 讲述
描写 展现 揭示 记录 反映 呈现 带领 读者 走进 一段 一位 一部 这部 这本 书中 其中 通过 以及 关于 之间
之后 之前 同时 最终 终于 重新 开始 结束 不断 逐渐 已经 仍然 始终 许多 无数 所有 每个 我们 他们 她的
他的 自己 彼此 人们 生活 工作 学习 思考 写作 阅读 观察 认识 感受 体验 选择 面对 承担 坚持 放弃 追求
意义 价值 问题 答案 道路 方向 年代 岁月 一生 童年 少年 中年 晚年 家庭 婚姻 父母 儿女 民族 国家 帝国
王朝 革命 运动 危机 变革 繁华 衰落`);
const ZH_TITLE_WORDS =
  words(`夜晚 远方 故乡 河流 森林 星辰 海洋 黎明 黄昏 沉默 秘密 真相 记忆 孤独 自由 梦想 岁月 时代 城市 小镇
街道 旅人 英雄 战争 和平 爱情 家族 王朝 帝国 宇宙 火焰 月亮 阳光 风雪 冬天 夏天 秋天 雨季 归来 告别
相遇 离别 等待 寻找 回忆 成长 一生 童年 少年 异乡 书信 日记 诗歌 草原 沙漠 山川`);
const ZH_LINKS = words(`的 与 和 之 在 中的 以后的 里的`);
const ZH_SURNAMES = [
  ...'王李张陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚',
];
const ZH_GIVEN = [
  ...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰飞红宇浩凯鹏雪琳晨辉建斌宁波旭东志海峰然思远安嘉',
];
const FOREIGN_FIRST = words(`约翰 玛丽 威廉 安娜 乔治 伊丽莎白 查尔斯 艾米丽 托马斯 卡尔 詹姆斯 萨拉`);
const FOREIGN_LAST = words(`斯坦贝克 海明威 福克纳 奥斯汀 狄更斯 哈代 卡夫卡 马尔克斯 博尔赫斯 卡佛
门罗 伍尔夫`);
const COUNTRIES = words(`[美] [英] [法] [德] [日] （美） （英） [哥伦比亚] [阿根廷]`);
const ZH_PUBLISHERS = words(`人民文学出版社 作家出版社 译林出版社 北京十月文艺出版社 中信出版社
商务印书馆 三联书店 南海出版公司 浙江文艺出版社 广西师范大学出版社`);
const EN_PUBLISHERS = words(
  'Penguin Books|Vintage|HarperCollins|Random House|Oxford University Press|Faber and Faber',
  '|',
);
const ZH_TAGS =
  words(`小说 文学 历史 哲学 科幻 传记 经典 外国文学 日本文学 社会学 经济学 艺术 旅行 散文 诗歌 成长 女性 随笔
童话 美国 英国 法国 中国 二战 科普 思维 商业 投资 编程 计算机 设计 建筑 电影 音乐 摄影 美食`);
const EN_TAGS = words(`fiction history classic novel science essays poetry biography`);
const EN_WORDS =
  words(`the of and a in to is was his her their story life world war love family city night river house
journey memory time winter summer ocean light dark stranger friend mother father brother sister
child old young small great long last first new lost found letters road home sea island mountain
forest garden village town street school war peace truth dream hope silence voice colour warm cold
deep quiet gentle cruel real classic novel author reader follows tells through between after before
during while across beyond toward every each many all some people lives years century history empire
revolution crisis change rise fall return departure morning evening autumn spring rain snow fire
moon sun star stone bridge door window letter diary poem song music painting artist writer doctor
teacher student soldier farmer worker traveller detective hero ordinary`);
const EN_TITLE_WORDS =
  words(`Night River Garden Island Winter Summer Letters Silence Empire Stranger Journey Bridge Stone Moon
Sun Fire Ocean Road Home Village Dream Truth Memory Hope Voice Door Window Autumn Spring Rain Snow`);
const EN_FIRST = words(`John Mary William Anna George Elizabeth Charles Emily Thomas Sarah James Alice`);
const EN_LAST = words(`Smith Brown Taylor Wilson Evans Walker Wright Roberts Green Hall Wood Clarke`);

// ---- markers: where they go decides the hit counts ----

type Field = 'title' | 'author' | 'tags' | 'book_intro' | 'content' | 'author_intro';
/** A text placed only in book `i` with `i % mod === rest`, in `field`. */
const marker = (text: string, field: Field, mod: number, rest: number) => ({ text, field, mod, rest });

const MARKERS = {
  tuili: marker('推理', 'tags', 3, 0),
  mystery: marker('mystery', 'book_intro', 4, 2),
  xinling: marker('心灵', 'title', 20, 4),
  quantum: marker('量子纠缠', 'book_intro', 50, 1),
  murakami: marker('（日）村上春树', 'author', 200, 7),
  liu: marker('刘慈欣', 'author', 500, 11),
  dunhuang: marker('敦煌壁画', 'title', 997, 5),
  lighthouse: marker('lighthouse keeper', 'content', 1009, 3),
};
type MarkerKey = keyof typeof MARKERS;
const carries = (i: number, key: MarkerKey) => i % MARKERS[key].mod === MARKERS[key].rest;

/** How many of books 0..n-1 satisfy `i % mod === rest`. */
const countOf = (n: number, mod: number, rest: number) =>
  rest < n ? Math.floor((n - 1 - rest) / mod) + 1 : 0;

export interface SearchQuery {
  /** a short label for the report */
  label: string;
  keyword: string;
  /** exact number of matching books among books 0..n-1 */
  expectedHits(n: number): number;
}

const single = (label: string, keyword: string, key: MarkerKey): SearchQuery => ({
  label,
  keyword,
  expectedHits: (n) => countOf(n, MARKERS[key].mod, MARKERS[key].rest),
});

/** The bench's rotation: common and rare, Chinese and English, one that finds nothing. */
export const QUERIES: readonly SearchQuery[] = [
  single('zh common (tag, 1/3)', '推理', 'tuili'),
  single('en common (intro, 1/4)', 'Mystery', 'mystery'),
  // both markers: i % 3 == 0 and i % 4 == 2, i.e. i % 12 == 6
  { label: 'zh+en both (1/12)', keyword: '推理 mystery', expectedHits: (n) => countOf(n, 12, 6) },
  single('zh word in titles (1/20)', '心灵', 'xinling'),
  single('zh phrase in intros (1/50)', '量子纠缠', 'quantum'),
  single('zh author (1/200)', '村上春树', 'murakami'),
  single('traditional query (1/500)', '劉慈欣', 'liu'),
  single('zh rare title (1/997)', '敦煌壁画', 'dunhuang'),
  single('en rare phrase (1/1009)', 'lighthouse keeper', 'lighthouse'),
  { label: 'nothing (523)', keyword: 'zzyzx', expectedHits: () => 0 },
];

// Checked once, at load: no character or word of a query (as the server folds it) occurs in the
// filler, and each marker is found by a query, so the hit counts are exact.
{
  const zhLists = [ZH_WORDS, ZH_TITLE_WORDS, ZH_LINKS, ZH_SURNAMES, ZH_GIVEN, FOREIGN_FIRST, FOREIGN_LAST];
  const zh = fold([...zhLists, COUNTRIES, ZH_PUBLISHERS, ZH_TAGS, ['，。']].join());
  const en = new Set(
    [EN_WORDS, EN_TITLE_WORDS, EN_FIRST, EN_LAST, EN_PUBLISHERS, EN_TAGS]
      .join()
      .toLowerCase()
      .split(/[\s,]+/),
  );
  for (const q of QUERIES) {
    const keyword = fold(q.keyword);
    const clash =
      [...(keyword.match(/\p{Script=Han}/gu) ?? [])].find((ch) => zh.includes(ch)) ??
      (keyword.match(/[a-z]+/g) ?? []).find((w) => en.has(w));
    if (clash) throw new Error(`gen-books: ${clash} of query ${q.keyword} occurs in the filler`);
  }
  for (const m of Object.values(MARKERS))
    if (!QUERIES.some((q) => fold(m.text).includes(fold(q.keyword))))
      throw new Error(`gen-books: no query finds marker ${m.text}`);
}

// ---- text ----

/** Chinese text of about `length` characters: words, a comma every few, a full stop now and then. */
function zhText(r: Rand, length: number, insert?: string): string {
  let out = '';
  let sinceStop = 0;
  const at = insert ? between(r, 0, Math.max(0, length - 20)) : -1;
  let inserted = false;
  while (out.length < length) {
    if (!inserted && at >= 0 && out.length >= at) {
      out += insert;
      inserted = true;
    }
    out += pick(r, ZH_WORDS);
    if (++sinceStop >= between(r, 3, 7)) {
      out += r() < 0.3 ? '。' : '，';
      sinceStop = 0;
    }
  }
  if (insert && !inserted) out += insert;
  return `${out.replace(/[，。]$/, '')}。`;
}

/** English text of about `length` letters, sentences of 8 to 16 words. */
function enText(r: Rand, length: number, insert?: string): string {
  const out: string[] = [];
  let size = 0;
  let sentence = 0;
  const at = insert ? between(r, 0, Math.max(0, length - 40)) : -1;
  while (size < length) {
    if (insert && at >= 0 && size >= at && !out.includes(insert)) {
      out.push(insert);
      size += insert.length + 1;
    }
    let word = pick(r, EN_WORDS);
    if (sentence++ === 0) word = word[0]?.toUpperCase() + word.slice(1);
    if (sentence >= between(r, 8, 16)) {
      word += '.';
      sentence = 0;
    } else if (r() < 0.08) word += ',';
    out.push(word);
    size += word.length + 1;
  }
  if (insert && !out.includes(insert)) out.push(insert);
  const text = out.join(' ');
  return text.endsWith('.') ? text : `${text.replace(/,$/, '')}.`;
}

const zhName = (r: Rand) => pick(r, ZH_SURNAMES) + pick(r, ZH_GIVEN) + (r() < 0.6 ? pick(r, ZH_GIVEN) : '');
const foreignName = (r: Rand) => `${pick(r, COUNTRIES)} ${pick(r, FOREIGN_FIRST)}·${pick(r, FOREIGN_LAST)}`;
const enName = (r: Rand) => `${pick(r, EN_FIRST)} ${pick(r, EN_LAST)}`;

function title(r: Rand, english: boolean, i: number): string {
  const t = english
    ? `The ${Array.from({ length: between(r, 2, 5) }, () => pick(r, EN_TITLE_WORDS)).join(' ')}`
    : Array.from({ length: between(r, 2, 4) }, () => pick(r, ZH_TITLE_WORDS)).reduce(
        (t, w, n) => (n === 0 ? w : t + (r() < 0.5 ? pick(r, ZH_LINKS) : '') + w),
        '',
      );
  return (['xinling', 'dunhuang'] as const).reduce((t, key) => {
    if (!carries(i, key)) return t;
    return english ? `${t} ${MARKERS[key].text}` : `${MARKERS[key].text}${pick(r, ZH_LINKS)}${t}`;
  }, t);
}

/** The id of book `i`. */
const bookId = (i: number) => `gb${String(i).padStart(7, '0')}`;

/** Book `i`: the same in every run. */
function generateBook(i: number): BookRecord {
  const r = prng(Math.imul(i + 1, 0x9e3779b1) ^ 0x5bd1e995);
  const english = i % 5 === 4;
  const translated = !english && r() < 0.4;
  const bookTitle = title(r, english, i);
  const name = english ? enName(r) : translated ? foreignName(r) : zhName(r);
  const author =
    (carries(i, 'murakami') && MARKERS.murakami.text) || (carries(i, 'liu') && MARKERS.liu.text) || name;
  const marked = (field: Field) =>
    (Object.keys(MARKERS) as MarkerKey[])
      .filter((k) => MARKERS[k].field === field && carries(i, k))
      .map((k) => MARKERS[k].text);
  // markers stand apart (spaces), so they never fuse with the words around them
  const intro = (length: number, field: Field) => {
    const texts = marked(field);
    const insert = texts.length ? ` ${texts.join(' ')} ` : undefined;
    return english ? enText(r, length, insert) : zhText(r, length, insert);
  };
  const tags = new Set<string>();
  const tagCount = between(r, 2, 5);
  while (tags.size < tagCount) tags.add(english && r() < 0.5 ? pick(r, EN_TAGS) : pick(r, ZH_TAGS));
  for (const text of marked('tags')) tags.add(text);
  const year = between(r, 1950, 2024);
  return {
    id: bookId(i),
    title: bookTitle,
    author,
    publisher: english ? pick(r, EN_PUBLISHERS) : pick(r, ZH_PUBLISHERS),
    original_title: translated ? `The ${pick(r, EN_TITLE_WORDS)} ${pick(r, EN_TITLE_WORDS)}` : null,
    translator: translated ? zhName(r) : null,
    pub_year: `${year}-${between(r, 1, 12)}`,
    pages: between(r, 80, 900),
    price: between(r, 10, 150) * 100 + (r() < 0.5 ? 0 : 50),
    currency_unit: english ? 'USD' : '元',
    binding: english ? pick(r, ['Paperback', 'Hardcover']) : pick(r, ['平装', '精装']),
    isbn: `978${String(7_000_000_000 + ((i * 7_919 + 13) % 2_999_999_999)).padStart(10, '0')}`,
    author_intro: intro(350, 'author_intro'),
    book_intro: intro(200, 'book_intro'),
    content: intro(300, 'content'),
    tags: [...tags],
    pictures: [],
  };
}

/**
 * Chinese words of the filler text: each is in a good share of the books, so a rotation over them
 * (and over pages) asks questions no cache has seen, at the cost of a common word.
 */
export const FILLER_WORDS: readonly string[] = ZH_WORDS;

/**
 * Writes books from..n-1 (0..n-1 by default) into the catalogue hash, 500 books per HSET and 8 HSETs
 * per round trip. Returns the bytes of JSON written.
 */
export async function writeBooks(redis: Redis | Cluster, keys: Keys, n: number, from = 0): Promise<number> {
  let bytes = 0;
  for (let start = from; start < n; start += 4000) {
    const pipeline = redis.pipeline();
    for (let first = start; first < Math.min(n, start + 4000); first += 500) {
      const args: string[] = [];
      for (let i = first; i < Math.min(n, first + 500); i++) {
        const json = JSON.stringify(generateBook(i));
        bytes += Buffer.byteLength(json);
        args.push(bookId(i), json);
      }
      pipeline.hset(keys.catalogueBooks(), ...args);
    }
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
  }
  return bytes;
}
