/**
 * bench-search's checks before the load: every query of the rotation once, its `total` against the
 * generator's known hit count (523 for the one that finds nothing), then timed sequentially; and the
 * first, uncached request for each common filler word.
 */
import * as api from '../scenarios/api.ts';
import { fmt, log } from './common.ts';
import { FILLER_WORDS, QUERIES } from './gen-books.ts';
import { send } from './http.ts';
import { summarize } from './stats.ts';

export const PAGE_SIZE = 20;
/** The answer of a search that finds nothing. */
export const MISS = 523;
const SAMPLES = 20;

/** Display width (a CJK character takes two columns), for the query table. */
const pad = (text: string, to: number) =>
  text + ' '.repeat(Math.max(0, to - [...text].reduce((w, c) => w + (/[\u1100-\uffdc]/.test(c) ? 2 : 1), 0)));

/** Each query once (its total against the known hit count), then SAMPLES sequential timings. */
export async function checkQueries(base: string, n: number): Promise<string[]> {
  const problems: string[] = [];
  log(`  queries (each checked once, then ${SAMPLES} sequential requests, ms):`);
  log(
    `    ${pad('query', 28)}${pad('keyword', 19)}${'expected'.padStart(8)}${'answer'.padStart(8)}    p50    max`,
  );
  for (const q of QUERIES) {
    const req = api.searchBooks(q.keyword, 1, PAGE_SIZE);
    const expected = q.expectedHits(n);
    const first = await send(base, req);
    const total = api.numberField(first.reply, 'total');
    const books = first.reply?.books;
    const ok =
      expected === 0
        ? first.status === MISS
        : total === expected && Array.isArray(books) && books.length === Math.min(PAGE_SIZE, expected);
    const answer = first.status === 200 ? `${fmt(total ?? Number.NaN)}` : String(first.status);
    if (!ok) problems.push(`query ${q.keyword}: expected ${expected || MISS}, got ${answer}`);
    const s = summarize(await timed(SAMPLES, () => send(base, req)));
    log(
      `    ${pad(q.label, 28)}${pad(q.keyword, 19)}${fmt(expected).padStart(8)}${answer.padStart(8)}${fmt(s.p50, 1).padStart(7)}${fmt(s.max, 1).padStart(7)}  ${ok ? 'OK' : 'WRONG'}`,
    );
  }
  return problems;
}

/** The times of `n` calls of `fn`, one after the other, in ms. */
async function timed(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  return times;
}

/**
 * The first request for each common filler word, one at a time with nothing else running: the cost
 * of ranking a word found in most books, before any cache has it.
 */
export async function coldRankings(base: string) {
  const search = (i: number) => send(base, api.searchBooks(FILLER_WORDS[i] as string, 1, PAGE_SIZE));
  const cold = summarize(await timed(FILLER_WORDS.length, search));
  log(
    `  first request for each of ${FILLER_WORDS.length} common words (uncached ranking, sequential): p50 ${fmt(cold.p50, 1)} ms, p99 ${fmt(cold.p99, 1)} ms, max ${fmt(cold.max, 1)} ms`,
  );
}
