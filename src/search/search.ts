/**
 * Book search (API.md, Search): the scope parsed into fields, the whole site or one store, ranked
 * hits paged, each book shaped for the answer with picture URLs instead of bytes.
 */
import { SEARCH_FIELDS, type SearchField } from '../catalogue/book.ts';
import { DomainError, invalid, Kind } from '../errors.ts';
import type { RedisClient } from '../redis/connect.ts';
import type { Keys } from '../redis/keys.ts';
import type { BookIndex } from './book-index.ts';
import { viewText } from './book-view.ts';

export interface SearchRequest {
  keyword: string;
  search_scope: string | null;
  search_in_store: boolean | null;
  store_id?: string | null;
  page: number;
  page_size: number;
}

const FIELD_NAMES = new Set<string>(SEARCH_FIELDS);

/** `"all"` or space-separated field names (`tag` for `tags`); anything else answers 530. */
export function parseScope(scope: string | null): readonly SearchField[] {
  const words = (scope ?? 'all').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0 || (words.length === 1 && words[0] === 'all')) return SEARCH_FIELDS;
  const fields = new Set<SearchField>();
  for (const word of words) {
    const name = word === 'tag' ? 'tags' : word;
    if (!FIELD_NAMES.has(name)) throw invalid('search_scope', `unknown field "${word}"`);
    fields.add(name as SearchField);
  }
  return [...fields];
}

export async function searchBooks(index: BookIndex, redis: RedisClient, keys: Keys, r: SearchRequest) {
  const fields = parseScope(r.search_scope);
  const inStore = r.search_in_store === true;
  if (inStore) {
    if (!r.store_id) throw invalid('store_id', 'required when search_in_store is true');
    if (!(await redis.exists(keys.store(r.store_id)))) {
      throw new DomainError(Kind.SEARCH_STORE_MISSING, { store_id: r.store_id });
    }
  }
  const start = (r.page - 1) * r.page_size;
  const { total, hits } = index.query(r.keyword, fields, inStore ? (r.store_id ?? '') : undefined, {
    offset: start,
    limit: r.page_size,
  });
  if (total === 0) {
    throw inStore
      ? new DomainError(Kind.NO_MATCH_IN_STORE, { store_id: r.store_id ?? undefined, keyword: r.keyword })
      : new DomainError(Kind.NO_MATCH, { keyword: r.keyword });
  }
  return {
    books: `[${hits.map((h) => viewText(h.doc, h.store, inStore)).join(',')}]`,
    fields: { total, page: r.page, page_size: r.page_size },
  };
}
