/**
 * Reading a book.db catalogue (SQLite, schema in ../shared/data/README.md): opened read-only, read
 * row by row so a file of any size fits in memory, each row turned into the stored form of a book.
 */
import Database from 'better-sqlite3';
import type { BookRecord } from '../../src/catalogue/book.ts';

/** A row of book.db: text and integer columns (any may be null), the picture's bytes. */
export interface Row {
  [column: string]: unknown;
  picture?: Buffer | null;
}

export type BookDb = Database.Database;

/** Opens the file read-only; a missing or unreadable one throws naming the file. */
export function openBookDb(file: string): BookDb {
  try {
    return new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new Error(`cannot open ${file}: ${(error as Error).message}`);
  }
}

export const countBooks = (db: BookDb) =>
  (db.prepare('select count(*) as total from book').get() as { total: number }).total;

/** Every row, one at a time (iterate()): the import holds one batch's records and one picture at most. */
export const readBooks = (db: BookDb) => db.prepare('select * from book').iterate() as IterableIterator<Row>;

const text = (value: unknown) => (value === null || value === undefined ? null : String(value));

/** The row's book id, or undefined when it is missing or longer than an id may be (256). */
export function bookIdOf(row: Row): string | undefined {
  const id = text(row.id);
  return id && id.length <= 256 ? id : undefined;
}

/** A row of book.db as the stored book: tags one per line, the picture as its blob hash. */
export function toRecord(row: Row, pictures: string[]): BookRecord {
  const price = Number(row.price ?? 0);
  return {
    id: String(row.id),
    title: text(row.title) ?? '',
    author: text(row.author),
    publisher: text(row.publisher),
    original_title: text(row.original_title),
    translator: text(row.translator),
    pub_year: text(row.pub_year),
    pages: row.pages === null || row.pages === undefined ? null : Number(row.pages),
    price: Number.isSafeInteger(price) && price >= 0 ? price : 0,
    currency_unit: text(row.currency_unit),
    binding: text(row.binding),
    isbn: text(row.isbn),
    author_intro: text(row.author_intro),
    book_intro: text(row.book_intro),
    content: text(row.content),
    tags: (text(row.tags) ?? '')
      .split('\n')
      .map((tag) => tag.trim())
      .filter((tag) => tag !== ''),
    pictures,
  };
}
