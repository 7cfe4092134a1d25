import { generateBook, FILLER_WORDS } from './loadtest/lib/gen-books.ts';
import { SEARCH_FIELDS } from './src/catalogue/book.ts';
import { indexText } from './src/search/tokenize.ts';
import { openSqlite } from './src/search/sqlite.ts';
const N = 40000;
const books = Array.from({ length: N }, (_, i) => generateBook(i));
const rows = books.map((b) => SEARCH_FIELDS.map((f) => { const v = (b as any)[f]; return indexText(Array.isArray(v) ? v.join(' ') : String(v ?? '')); }));
for (const detail of ['full', 'column']) {
  const db = openSqlite(':memory:');
  db.exec(`create virtual table fts using fts5(${SEARCH_FIELDS.join(',')}, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0', detail=${detail})`);
  db.exec(`INSERT INTO fts (fts, rank) VALUES ('rank', 'bm25(3,2.5,2.5,2,1.5,2,1,1,0.7,3)')`);
  const ins = db.prepare(`insert into fts(rowid, ${SEARCH_FIELDS.join(',')}) values (?${', ?'.repeat(10)})`);
  let t = performance.now();
  db.exec('begin'); rows.forEach((r, i) => { ins.run(i + 1, ...r); if (i % 2000 === 1999) db.exec('commit; begin'); }); db.exec('commit');
  console.log(detail, 'insert', Math.round(performance.now() - t));
  const q = db.prepare('select rowid, rank from fts where fts match ? order by rank, rowid limit 20');
  const c = db.prepare('select count(*) n from fts where fts match ?');
  let tot = 0, n = 0; t = performance.now();
  for (const w of FILLER_WORDS.slice(0, 60)) { q.all(`"${w}"`); tot += (c.get(`"${w}"`) as any).n; n++; }
  console.log(detail, 'avg ms', ((performance.now() - t) / n).toFixed(2), 'avg hits', Math.round(tot / n));
  db.close();
}
