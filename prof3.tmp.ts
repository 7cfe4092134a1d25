import { generateBook } from './loadtest/lib/gen-books.ts';
import { SEARCH_FIELDS } from './src/catalogue/book.ts';
import { indexText } from './src/search/tokenize.ts';
import { openSqlite } from './src/search/sqlite.ts';
const N = 40000;
const books = Array.from({ length: N }, (_, i) => generateBook(i));
let t = performance.now();
const rows = books.map((b) => SEARCH_FIELDS.map((f) => { const v = (b as any)[f]; return indexText(Array.isArray(v) ? v.join(' ') : String(v ?? '')); }));
console.log('tokenize', Math.round(performance.now() - t), 'chars', rows.flat().join('').length / N);
for (const opts of ['', ", detail=column", ", pgsz=8000", ", columnsize=0"]) {
  const db = openSqlite(':memory:');
  db.exec(`create virtual table fts using fts5(${SEARCH_FIELDS.join(',')}, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0'${opts})`);
  const ins = db.prepare(`insert into fts(rowid, ${SEARCH_FIELDS.join(',')}) values (?${', ?'.repeat(10)})`);
  t = performance.now();
  db.exec('begin'); rows.forEach((r, i) => { ins.run(i + 1, ...r); if (i % 2000 === 1999) { db.exec('commit; begin'); } }); db.exec('commit');
  console.log('insert', opts, Math.round(performance.now() - t));
  db.close();
}
