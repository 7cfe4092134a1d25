/**
 * Text to index tokens, and a keyword to an FTS5 query over them. Both fold text the same way first:
 * traditional Chinese to simplified (opencc), NFKC, accents stripped, lower case.
 *
 * Indexed, a Latin or digit run is one token; a Chinese run becomes its character bigrams in order,
 * then its last character alone (so a one-character query finds a character anywhere: as the start
 * of a bigram or as the end of a run). Punctuation such as the brackets of "[美] 刘慈欣" or "（日）" is
 * dropped. No dictionary runs at index time, which keeps a rebuild cheap.
 *
 * Queried, every part must match. A Chinese run is cut into words by jieba; a word of two or more
 * characters must appear whole (the phrase of its bigrams, i.e. those characters adjacent), a
 * one-character word must appear next to its neighbours (the bigrams across it); two whole words need
 * not be adjacent, so 中国科幻小说 finds 中国的科幻小说. A query of one character matches it anywhere.
 * An ISBN written with hyphens also finds the same digits stored without them, and the other way round.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { Converter } from 'opencc-js/t2cn';

const jieba = Jieba.withDict(dict);
const toSimplified = Converter({ from: 't', to: 'cn' });

/**
 * The characters opencc changes (about 3,000 of the main CJK block), found once at load (a few ms),
 * by code unit: text without any of them, as almost all simplified text is, skips the conversion.
 */
const CONVERTIBLE = (() => {
  const table = new Uint8Array(0x10000);
  for (let code = 0x3400; code <= 0x9fff; code++) {
    const char = String.fromCharCode(code);
    if (toSimplified(char) !== char) table[code] = 1;
  }
  return table;
})();

/** Digits in groups joined by hyphens (an ISBN or the like once there are ten digits or more). */
const HYPHENATED_NUMBER = /[0-9]+(?:-[0-9]+)+(?:-?x)?/g;

/** Punctuation common in Chinese text that normalisation would not turn into a letter or digit. */
const SEPARATORS = new Set([
  0xb7, 0x2014, 0x2018, 0x2019, 0x201c, 0x201d, 0x2026, 0xff01, 0xff08, 0xff09, 0xff0c, 0xff0e, 0xff1a,
  0xff1b, 0xff1f, 0xff3b, 0xff3d,
]);

/**
 * Folds case, accents and script variants: the form both books and queries are compared in. Text of
 * ASCII, CJK punctuation and the main CJK block (most of a Chinese catalogue) needs no Unicode
 * normalisation and skips it; opencc runs only when a character it changes is present.
 */
export function fold(text: string): string {
  let plain = true;
  let convert = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80 || (c >= 0x3000 && c <= 0x303f) || SEPARATORS.has(c)) continue;
    if (c >= 0x4e00 && c <= 0x9fff) {
      if (CONVERTIBLE[c]) convert = true;
      continue;
    }
    plain = false;
    break;
  }
  if (plain) return (convert ? toSimplified(text) : text).toLowerCase();
  return toSimplified(text.normalize('NFKC'))
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** Character bigrams of a Chinese run (the run itself when it has one character). */
export function bigrams(run: string): string[] {
  const chars = [...run];
  if (chars.length < 2) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(`${chars[i]}${chars[i + 1]}`);
  return out;
}

const HAN_CHAR = /\p{Script=Han}/u;
const WORD_CHAR = /[\p{L}\p{N}]/u;

/** 1 for a Chinese character, 2 for another letter or digit, 0 for anything else. */
function kindOf(code: number, char: string): 0 | 1 | 2 {
  if (code < 0x80) {
    const lower = code | 0x20;
    return (lower >= 0x61 && lower <= 0x7a) || (code >= 0x30 && code <= 0x39) ? 2 : 0;
  }
  if (code >= 0x4e00 && code <= 0x9fff) return 1;
  return HAN_CHAR.test(char) ? 1 : WORD_CHAR.test(char) ? 2 : 0;
}

/**
 * The runs of a folded text, in one pass: a Chinese run (`han`) or a run of other letters and digits
 * (kana and Latin alike); anything else separates. A script change ends a run: ノルウェイの森 is the
 * run ノルウェイの and the Chinese run 森.
 */
function runs(folded: string): { run: string; han: boolean }[] {
  const out: { run: string; han: boolean }[] = [];
  let start = 0;
  let current: 0 | 1 | 2 = 0;
  for (let i = 0; i < folded.length; ) {
    const code = folded.codePointAt(i) as number;
    const width = code > 0xffff ? 2 : 1;
    const kind = kindOf(code, width === 1 ? (folded[i] as string) : folded.slice(i, i + 2));
    if (kind !== current) {
      if (current) out.push({ run: folded.slice(start, i), han: current === 1 });
      start = i;
      current = kind;
    }
    i += width;
  }
  if (current) out.push({ run: folded.slice(start), han: current === 1 });
  return out;
}

/**
 * The index tokens of a text, space-separated (the form FTS5's unicode61 tokenizer splits again).
 * This is the hot loop of a rebuild.
 */
export function indexText(text: string): string {
  const tokens: string[] = [];
  for (const { run, han } of runs(fold(text))) {
    if (!han) {
      tokens.push(run);
      continue;
    }
    const chars = /[\ud800-\udfff]/.test(run) ? [...run] : run;
    for (let i = 0; i + 1 < chars.length; i++) tokens.push(`${chars[i]}${chars[i + 1]}`);
    tokens.push(chars[chars.length - 1] as string);
  }
  return tokens.join(' ');
}

const phrase = (tokens: string[]) => `"${tokens.join(' ')}"`;

/** The query parts of one Chinese run (see the file's comment). */
function hanParts(run: string): string[] {
  const chars = [...run];
  if (chars.length === 1) return [`${phrase(chars)}*`];
  const words = jieba.cut(run, true).map((word) => [...word]);
  const parts: string[] = [];
  words.forEach((word, i) => {
    if (word.length > 1) parts.push(phrase(bigrams(word.join(''))));
    const next = words[i + 1];
    if (next && (word.length === 1 || next.length === 1)) parts.push(phrase([`${word.at(-1)}${next[0]}`]));
  });
  return parts;
}

/**
 * The FTS5 query of a keyword: its parts joined by AND, each quoted (no FTS5 syntax reaches the
 * engine from a client). Undefined when the keyword has nothing to search for.
 */
export function matchQuery(keyword: string): string | undefined {
  if (queries.has(keyword)) return queries.get(keyword);
  const query = buildQuery(keyword);
  if (queries.size >= CACHED_QUERIES) queries.delete(queries.keys().next().value as string);
  queries.set(keyword, query);
  return query;
}

/** Keywords already turned into queries (a popular one is asked again and again), oldest first. */
const queries = new Map<string, string | undefined>();
const CACHED_QUERIES = 1000;

function buildQuery(keyword: string): string | undefined {
  const parts: string[] = [];
  const rest = fold(keyword).replace(HYPHENATED_NUMBER, (number) => {
    const groups = number.split('-').filter(Boolean);
    const digits = groups.join('');
    if (digits.replace(/x$/, '').length < 10) return number;
    parts.push(`(${phrase(groups)} OR ${phrase([digits])})`);
    return ' ';
  });
  for (const { run, han } of runs(rest)) parts.push(...(han ? hanParts(run) : [phrase([run])]));
  const unique = [...new Set(parts)];
  return unique.length ? unique.join(' AND ') : undefined;
}
