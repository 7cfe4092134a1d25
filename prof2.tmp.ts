import { generateBook } from './loadtest/lib/gen-books.ts';
import { BookIndex } from './src/search/book-index.ts';
const N = Number(process.env.N ?? 40000);
const index = new BookIndex(':memory:');
const books = Array.from({ length: N }, (_, i) => generateBook(i));
let t = performance.now();
for (let i = 0; i < N; i += 200) index.upsertAll(books.slice(i, i + 200).map((book) => ({ store: '', book })));
console.log('build mem', Math.round(performance.now() - t));
const db = (index as any).db;
const time = (label: string, sql: string, ...p: unknown[]) => { const s = db.prepare(sql); s.all(...p); const t = performance.now(); let r; for (let k = 0; k < 10; k++) r = s.all(...p); console.log(label, ((performance.now() - t) / 10).toFixed(2), r.length); };
for (const m of ['"推理"', '"mystery"', '"心灵"']) {
  time('count', 'select count(*) n from fts where fts match ?', m);
  time('rank only', 'select rowid, rank from fts where fts match ? order by rank limit 20', m);
  time('rank,rowid', 'select rowid, rank from fts where fts match ? order by rank, rowid limit 20', m);
  time('rank,bookid join', 'select d.rowid, d.json, fts.rank from fts join doc d on d.rowid = fts.rowid where fts match ? order by fts.rank, d.book_id limit 20', m);
  time('rowids all', 'select rowid from fts where fts match ?', m);
  time('bm25 default', 'select rowid, bm25(fts) r from fts where fts match ? order by r limit 20', m);
}
