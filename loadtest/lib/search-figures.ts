/**
 * bench-search's rounds (one per catalogue size) and their report (lib/report/): each round's phases,
 * named the same in every round so the charts set the sizes side by side, and the index and memory
 * figures as a table.
 */
import { fmt } from './common.ts';
import type { Phase } from './phase.ts';
import type { ReportDraft } from './report/report.ts';

export interface Built {
  books: number;
  /** listings read from Redis and indexed at this start (the rest came from the index file) */
  indexed: number;
  ms: number;
}

export interface Round {
  books: number;
  jsonBytes: number;
  built?: Built;
  restart?: Built;
  rssStart?: number;
  hwmStart?: number;
  rssEnd?: number;
  /** closed loop: healthz, search (the rotation), varied; open loop: healthz and varied per rate */
  phases: Phase[];
  problems: string[];
}

const MB = 2 ** 20;
const mbOrNull = (bytes: number | undefined) => (bytes === undefined ? null : bytes / MB);

export function reportRounds(report: ReportDraft, rounds: readonly Round[]): void {
  for (const r of rounds) {
    const size = ` ${fmt(r.books)}`;
    report.addPhases(`${fmt(r.books)} books`, r.phases, (p) => p.name.replace(size, ''));
  }
  const head = [
    'books',
    'index built ms',
    'restart ms',
    'RSS after start MB',
    'peak MB',
    'after the load MB',
  ];
  report.addTable({
    title: 'Search index and memory',
    head: [...head, 'JSON in Redis MB'],
    rows: rounds.map((r) => [
      r.books,
      r.built?.ms ?? null,
      r.restart?.ms ?? null,
      mbOrNull(r.rssStart),
      mbOrNull(r.hwmStart),
      mbOrNull(r.rssEnd),
      r.jsonBytes / MB,
    ]),
    digits: [0, 0, 0, 0, 0, 0, 1],
  });
}
