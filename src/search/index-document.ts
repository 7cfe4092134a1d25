/**
 * What the index makes of one version of a book: its document number, the same in every process,
 * and the text of each field as FTS5 receives it.
 */
import { createHash } from 'node:crypto';
import { type BookRecord, SEARCH_FIELDS, type SearchField } from '../catalogue/book.ts';
import { indexText } from './tokenize.ts';

/**
 * A version's digest and its document number: 48 bits of the SHA-1 of id and JSON, the same in every
 * process, so equal scores tie-break by it into the same order everywhere, whatever the order books
 * were indexed in (a collision, about one in 10^14 per pair, takes the next free number).
 */
export function identify(bookId: string, json: string): { digest: string; rowid: number } {
  const hash = createHash('sha1').update(bookId).update('\u0000').update(json).digest();
  return { digest: hash.toString('base64'), rowid: hash.readUIntBE(0, 6) + 1 };
}

/** Field text for the index: tags joined, absent fields empty, an ISBN also as its bare digits. */
function fieldText(book: BookRecord, field: SearchField): string {
  const value = book[field];
  if (Array.isArray(value)) return value.join(' ');
  if (value == null) return '';
  if (field === 'isbn') return `${value} ${String(value).replace(/[^0-9xX]/g, '')}`;
  return String(value);
}

/** The tokenized text of every searchable field, in SEARCH_FIELDS order (the FTS5 columns). */
export const ftsColumns = (book: BookRecord): string[] =>
  SEARCH_FIELDS.map((field) => indexText(fieldText(book, field)));
