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

const HAN = /\p{Script=Han}/u;
const RUNS = /\p{Script=Han}+|[\p{L}\p{N}]+/gu;
/** Digits in groups joined by hyphens, ten or more digits in all (an ISBN or the like). */
const HYPHENATED_NUMBER = /[0-9]+(?:-[0-9]+)+(?:-?x)?/g;

/** Folds case, accents and script variants: the form both books and queries are compared in. */
export function fold(text: string): string {
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

/** The runs of a folded text: `{ han: true }` for Chinese runs, words otherwise. */
function runs(folded: string): { run: string; han: boolean }[] {
  return [...folded.matchAll(RUNS)].map((m) => ({ run: m[0], han: HAN.test(m[0]) }));
}

/** The index tokens of a text, space-separated (the form FTS5's unicode61 tokenizer splits again). */
export function indexText(text: string): string {
  const tokens: string[] = [];
  for (const { run, han } of runs(fold(text))) {
    if (!han) {
      tokens.push(run);
      continue;
    }
    const chars = [...run];
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
