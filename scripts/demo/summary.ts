/**
 * What `npm run demo` prints on stdout once the service is filled: where it serves, the docs page,
 * the demo accounts, the catalogue, and the curl walk-through (walk-through.ts), ending with the line
 * that says it keeps serving.
 */
import { BUYER, BUYER_FUNDS, SELLERS, STORES } from './accounts.ts';
import { bookId, englishBooks } from './catalogue.ts';
import type { Seeded } from './seed.ts';
import { walkThrough } from './walk-through.ts';

export interface SummaryInput {
  /** the address people use, e.g. http://localhost:5000 */
  base: string;
  dataDir: string;
  seeded: Seeded;
}

export function summary({ base, dataDir, seeded }: SummaryInput): string {
  const english = englishBooks(seeded.books);
  const account = (role: string, user: { user_id: string; password: string }, rest: string) =>
    `  ${role.padEnd(7)}${user.user_id.padEnd(15)}password ${user.password.padEnd(16)}${rest}`;
  return [
    `The bookstore demo is serving at ${base} (data in ${dataDir}). Ctrl-C stops it.`,
    '',
    `API docs (send any request from the page): ${base}/docs`,
    `A book's cover:                            ${base}/books/${bookId(0)}/pictures/0`,
    '',
    `Catalogue: ${seeded.books} books (${seeded.books - english} Chinese, ${english} English, each with a cover) ` +
      `in ${STORES.length} stores; ${seeded.added} listed by this run.`,
    'Demo accounts:',
    account('buyer', BUYER, `balance topped up to ${BUYER_FUNDS} cents`),
    ...SELLERS.map((s) => account('seller', s, `stores ${s.stores.join(' ')}`)),
    '',
    'The whole flow with curl (paste into sh or bash; each step prints its answer):',
    '',
    walkThrough(base),
    '',
    'Serving until Ctrl-C.',
    '',
  ].join('\n');
}
