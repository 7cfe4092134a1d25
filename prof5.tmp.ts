import { mkdtempSync } from 'node:fs'; import { join } from 'node:path'; import { tmpdir } from 'node:os';
import { generateBook } from './loadtest/lib/gen-books.ts';
import { BookIndex } from './src/search/book-index.ts';
const N = Number(process.env.N ?? 10000);
const index = new BookIndex(process.env.MEM ? ':memory:' : join(mkdtempSync(join(tmpdir(), 'p5-')), 'x.sqlite'));
const books = Array.from({ length: N }, (_, i) => generateBook(i));
const t = performance.now();
for (let i = 0; i < N; i += 200) index.upsertAll(books.slice(i, i + 200).map((book) => ({ store: '', book })));
console.log('build', Math.round(performance.now() - t));
