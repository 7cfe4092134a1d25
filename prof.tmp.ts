import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { generateBook, QUERIES } from './loadtest/lib/gen-books.ts';
import { BookIndex } from './src/search/book-index.ts';
import { SEARCH_FIELDS } from './src/catalogue/book.ts';
import { matchQuery } from './src/search/tokenize.ts';
const N = Number(process.env.N ?? 40000);
const file = process.env.MEM ? ':memory:' : join(mkdtempSync(join(tmpdir(), 'prof-')), 'i.sqlite');
const index = new BookIndex(file);
const books = Array.from({ length: N }, (_, i) => generateBook(i));
let t = performance.now();
for (let i = 0; i < N; i += 200) index.upsertAll(books.slice(i, i + 200).map((book) => ({ store: '', book })));
console.log('build', Math.round(performance.now() - t));
for (const q of QUERIES) {
  t = performance.now(); for (let k = 0; k < 20; k++) matchQuery(q.keyword); const mq = (performance.now() - t) / 20;
  t = performance.now(); let r; for (let k = 0; k < 20; k++) r = index.query(q.keyword, SEARCH_FIELDS, undefined, { offset: 0, limit: 20 });
  console.log(q.label, 'match', mq.toFixed(2), 'query', ((performance.now() - t) / 20).toFixed(2), r!.total);
}
