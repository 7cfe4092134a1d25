import { generateBook, FILLER_WORDS } from './loadtest/lib/gen-books.ts';
import { BookIndex } from './src/search/book-index.ts';
import { SEARCH_FIELDS } from './src/catalogue/book.ts';
import { summarize } from './loadtest/lib/stats.ts';
const N = 40000;
const index = new BookIndex(':memory:');
for (let i = 0; i < N; i += 500) index.upsertAll(Array.from({ length: Math.min(500, N - i) }, (_, k) => ({ store: '', book: generateBook(i + k) })));
for (const w of FILLER_WORDS) index.query(w, SEARCH_FIELDS, undefined, { offset: 0, limit: 20 });
const times: number[] = []; let slow: string[] = [];
for (let i = 0; i < 5000; i++) {
  const pair = (i * 7919) % (FILLER_WORDS.length * 20);
  const w = FILLER_WORDS[pair % FILLER_WORDS.length]!; const page = Math.floor(pair / FILLER_WORDS.length);
  const t = performance.now(); index.query(w, SEARCH_FIELDS, undefined, { offset: page * 20, limit: 20 }); const d = performance.now() - t;
  times.push(d); if (d > 10) slow.push(`${w}@${page}:${d.toFixed(1)}`);
}
console.log(summarize(times), slow.slice(0, 20), slow.length);
