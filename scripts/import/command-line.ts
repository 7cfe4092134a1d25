/**
 * The importer's command line: `<file.db> [--store <id> --seller <id> --stock <n>]`. Anything else
 * prints the usage and exits with status 2.
 */
import { parseArgs } from 'node:util';
import { MAX_COUNT } from '../../src/catalogue/limits.ts';

/** Where every imported book is also listed, and with how many copies. */
export interface Listing {
  store: string;
  seller: string;
  stock: number;
}

function usage(problem: string): never {
  process.stderr.write(
    `${problem}\nusage: npm run import -- <file.db> [--store <id> --seller <id> --stock <n>]\n`,
  );
  process.exit(2);
}

const parseCommand = () =>
  parseArgs({
    options: { store: { type: 'string' }, seller: { type: 'string' }, stock: { type: 'string' } },
    allowPositionals: true,
  });

/** The book.db file to import and, with --store, the listing to make of every book. */
export function parseCommandLine(): { file: string; listing?: Listing } {
  let parsed: ReturnType<typeof parseCommand>;
  try {
    parsed = parseCommand();
  } catch (error) {
    usage((error as Error).message);
  }
  const { positionals, values } = parsed;
  const [file, ...extra] = positionals;
  if (!file || extra.length) usage('expected exactly one SQLite file');
  const { store, seller, stock } = values;
  if (store === undefined && seller === undefined && stock === undefined) return { file };
  if (!store || !seller || stock === undefined) usage('--store, --seller and --stock go together');
  const copies = Number(stock);
  if (!/^\d+$/.test(stock) || copies > MAX_COUNT) usage(`--stock must be an integer from 0 to ${MAX_COUNT}`);
  return { file, listing: { store, seller, stock: copies } };
}
