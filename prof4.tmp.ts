import { mkdtempSync } from 'node:fs'; import { join } from 'node:path'; import { tmpdir } from 'node:os';
import { generateBook } from './loadtest/lib/gen-books.ts';
import { SEARCH_FIELDS } from './src/catalogue/book.ts';
import { indexText } from './src/search/tokenize.ts';
import { openSqlite } from './src/search/sqlite.ts';
const N = 40000;
const books = Array.from({ length: N }, (_, i) => generateBook(i));
let t = performance.now();
const rows = books.map((b) => SEARCH_FIELDS.map((f) => { const v = (b as any)[f]; return indexText(Array.isArray(v) ? v.join(' ') : String(v ?? '')); }));
console.log('tokenize', Math.round(performance.now() - t));
for (const [where, batch, cfg] of [['disk', 500, 'hash'], ['disk', 500, 'hash:automerge=16'], ['disk', 500, 'hash:automerge=8'], ['disk', 500, 'hash:crisismerge=32']] as const) {
  const path = where === 'mem' ? ':memory:' : join(mkdtempSync(join(tmpdir(), 'p4-')), 'x.sqlite');
  const db = openSqlite(path);
  if (where === 'disk') db.exec('PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF');
  if (cfg !== 'hashdocnocache') db.exec('PRAGMA cache_size = -262144');
  db.exec('create table doc(rowid integer primary key, json text)'); const insd = db.prepare('insert into doc values (?, ?)'); const js = books.map((b) => JSON.stringify(b));
  db.exec(`create virtual table fts using fts5(${SEARCH_FIELDS.join(',')}, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0')`);
  if (cfg.includes(':')) { const [k, v] = cfg.split(':')[1]!.split('='); db.exec(`insert into fts(fts, rank) values ('${k}', ${v})`); }
  const ins = db.prepare(`insert into fts(rowid, ${SEARCH_FIELDS.join(',')}) values (?${', ?'.repeat(10)})`);
  t = performance.now();
  const ids = rows.map((_, i) => cfg.startsWith('hash') ? Math.floor(Math.random() * 2 ** 48) : i + 1);
  db.exec('begin'); for (let b = 0; b < rows.length; b += batch) { const order = [...Array(Math.min(batch, rows.length - b)).keys()].map((k) => b + k).sort((x, y) => ids[x]! - ids[y]!); if (cfg !== 'hash') for (const i of order) insd.run(ids[i], js[i]); for (const i of order) ins.run(ids[i], ...rows[i]!); db.exec('commit; begin'); } db.exec('commit');
  console.log(where, batch, cfg, Math.round(performance.now() - t));
  db.close();
}
