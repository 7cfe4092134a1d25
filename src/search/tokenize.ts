/**
 * Text to search terms, the same for books and queries. Text is folded first: traditional Chinese to
 * simplified (opencc), NFKC, then accents stripped and lower-cased. Latin and digit runs become
 * words. A Chinese run becomes its character bigrams (so a two-character word inside a longer title
 * matches) plus the words jieba finds in it (so whole words rank higher); a one-character run stays
 * one term. Punctuation such as the brackets of "[美] 刘慈欣" or "（日）" is dropped.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { Converter } from 'opencc-js/t2cn';

const jieba = Jieba.withDict(dict);
const toSimplified = Converter({ from: 't', to: 'cn' });

const HAN = /\p{Script=Han}/u;
const RUNS = /\p{Script=Han}+|[\p{L}\p{N}]+/gu;

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

/** The runs of a text after folding: `{ han: true }` for Chinese runs, words otherwise. */
export function runs(text: string): { run: string; han: boolean }[] {
  return [...fold(text).matchAll(RUNS)].map((m) => ({ run: m[0], han: HAN.test(m[0]) }));
}

/** Index terms of a text: words, Chinese bigrams and jieba words (two characters or more). */
export function indexTerms(text: string): string[] {
  const terms: string[] = [];
  for (const { run, han } of runs(text)) {
    if (!han) {
      terms.push(run);
      continue;
    }
    terms.push(...bigrams(run));
    if ([...run].length > 2) {
      for (const word of jieba.cutForSearch(run, true)) if ([...word].length > 2) terms.push(word);
    }
  }
  return terms;
}

/** A query's terms: every one must match (bigrams and words); jieba words only boost ranking. */
export function queryTerms(text: string): { required: string[]; boosts: string[] } {
  const required: string[] = [];
  const boosts: string[] = [];
  for (const { run, han } of runs(text)) {
    if (!han) {
      required.push(run);
      continue;
    }
    required.push(...bigrams(run));
    if ([...run].length > 2) {
      for (const word of jieba.cut(run, true)) if ([...word].length > 2) boosts.push(word);
    }
  }
  return { required: [...new Set(required)], boosts: [...new Set(boosts)] };
}
