import { generateBook } from './loadtest/lib/gen-books.ts';
import { Converter } from 'opencc-js/t2cn';
const conv = Converter({ from: 't', to: 'cn' });
const b = generateBook(1); const text = [b.title, b.book_intro, b.content, b.author_intro].join('');
const hits = new Map<string,string>(); for (const ch of text) { const c = conv(ch); if (c !== ch) hits.set(ch, c); }
console.log(hits);
let t = performance.now(); for (let i = 0; i < 10000; i++) text.normalize('NFKC'); console.log('nfkc', performance.now() - t);
t = performance.now(); for (let i = 0; i < 10000; i++) text.normalize('NFKD'); console.log('nfkd', performance.now() - t);
t = performance.now(); for (let i = 0; i < 10000; i++) text.replace(/\p{M}+/gu, ''); console.log('marks', performance.now() - t);
t = performance.now(); for (let i = 0; i < 10000; i++) text.toLowerCase(); console.log('lower', performance.now() - t);
t = performance.now(); for (let i = 0; i < 10000; i++) /[\u0080-\uffff]/.test(text); console.log('test', performance.now() - t);
