/**
 * What the book index remembers between queries until its next change: the ranking of recent
 * queries (FTS5 scores every match, so a common word costs milliseconds; paging through it, or
 * asking it again, then costs a slice) and the documents recently shown.
 */

/** How many query rankings are kept. */
const CACHED_RANKINGS = 1000;
/** How many documents' views are kept for answers by default (about 2.5 KB each). */
export const CACHED_DOCS = 20_000;
/** How much of a ranking is kept: 50 pages of 20; a deeper page is asked of FTS5 directly. */
export const RANKED_HEAD = 1000;

/** A match as FTS5 answers it: document number and rank (lower is better). */
export type Row = { rowid: number; rank: number };

/** A query's number of matches and its best RANKED_HEAD matches in order. */
export interface Ranking {
  total: number;
  /**
   * document numbers and their ranks, best first (typed arrays: a thousand cached rankings are two
   * thousand objects for the GC, not a million)
   */
  rowids: Float64Array;
  ranks: Float64Array;
}

/** A ranking from FTS5's rows. */
export function rankingOf(total: number, rows: Row[]): Ranking {
  const rowids = new Float64Array(rows.length);
  const ranks = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    rowids[i] = row.rowid;
    ranks[i] = row.rank;
  });
  return { total, rowids, ranks };
}

/** The rows of a page from the ranking, or undefined when the page reaches past the kept head. */
export function sliceOf(ranking: Ranking, page: { offset: number; limit: number }): Row[] | undefined {
  const head = ranking.rowids.length;
  const end = page.offset + page.limit;
  if (end > head && head < ranking.total) return undefined;
  const rows: Row[] = [];
  for (let i = page.offset; i < Math.min(end, head); i++)
    rows.push({ rowid: ranking.rowids[i] as number, rank: ranking.ranks[i] as number });
  return rows;
}

export class AnswerCache<Doc> {
  /** Rankings by query, least recently used first (a Map keeps insertion order). */
  private readonly rankings = new Map<string, Ranking>();
  /** Documents recently shown, oldest first. */
  private readonly docs = new Map<number, Doc>();

  constructor(private readonly cachedDocs = CACHED_DOCS) {}

  /** The ranking of a query, from the cache or computed (and cached). */
  ranking(key: string, compute: () => Ranking): Ranking {
    let ranking = this.rankings.get(key);
    if (ranking) this.rankings.delete(key);
    else ranking = compute();
    this.rankings.set(key, ranking); // most recently used last
    if (this.rankings.size > CACHED_RANKINGS)
      this.rankings.delete(this.rankings.keys().next().value as string);
    return ranking;
  }

  /** The documents of these numbers, in order: those not cached fetched in one call, then cached. */
  documents(rowids: number[], fetch: (missing: number[]) => Map<number, Doc>): Doc[] {
    const found = rowids.map((rowid) => this.docs.get(rowid));
    const missing = rowids.filter((_, i) => found[i] === undefined);
    if (missing.length === 0) return found as Doc[];
    const fetched = fetch(missing);
    // Cached only now: evicting while fetching could drop a document this very page still needs.
    for (const [rowid, doc] of fetched) {
      if (this.docs.size >= this.cachedDocs) this.docs.delete(this.docs.keys().next().value as number);
      this.docs.set(rowid, doc);
    }
    return found.map((doc, i) => doc ?? (fetched.get(rowids[i] as number) as Doc));
  }

  /** Forgets every ranking and document: the index changed. */
  forget(): void {
    this.rankings.clear();
    this.docs.clear();
  }
}
