/**
 * The JSON a bench writes beside its HTML report (`artifacts/bench/<bench>-<time>.json`): the run's
 * settings, every measured phase (the rows of the results table, with p90 and the phase second by
 * second), the bench's other figures as tables, and its verdict. A figure that could not be measured
 * is null. loadtest/README.md describes the fields.
 */
import { fmt } from '../common.ts';
import { non2xx, type Phase, rate } from '../phase.ts';
import type { Sample } from '../timeline.ts';

export type { Sample };

export interface BenchReport {
  /** e.g. `bench:orders` */
  bench: string;
  /** what the bench measured, one line */
  title: string;
  /** ISO times */
  startedAt: string;
  finishedAt: string;
  /** what the run was told (the environment, defaults applied) */
  settings: Record<string, string | number | boolean>;
  /** what the bench compares, in order: revision and runtime, catalogue size, server...; [''] when
   * it measures one thing */
  runs: string[];
  phases: PhaseReport[];
  tables: FigureTable[];
  problems: string[];
  result: 'OK' | 'FAILED';
}

export interface PhaseReport {
  /** one of `runs` */
  run: string;
  /** the phase's name within its run, the same in every run (e.g. `closed pair`) */
  phase: string;
  /** its row in the printed results table */
  name: string;
  /** the phase's length, s */
  seconds: number;
  sent: number;
  answered: number;
  non2xx: number;
  /** socket errors, timeouts included */
  errors: number;
  timeouts: number;
  /** answers per second, non-2xx included (the table's req/s) */
  throughput: number;
  /** ms over the phase's answers */
  latency: { p50: number | null; p90: number | null; p99: number | null; max: number | null };
  /** % of one core during the phase */
  cpu: { server: number | null; redis: number | null; bench: number | null } | null;
  /** second by second, from the phase's start */
  samples: Sample[];
}

export type Cell = string | number | null;

/** Figures a bench prints besides its phases (summaries, ratios, targets), as a table. */
export interface FigureTable {
  title: string;
  head: string[];
  rows: Cell[][];
  /** decimals shown per column (0 where not given) */
  digits?: number[];
}

/** A table's cells as shown: numbers with the column's decimals, '-' for null. */
export const tableText = (t: FigureTable): string[][] =>
  t.rows.map((row) =>
    row.map((value, k) => (typeof value === 'number' ? fmt(value, t.digits?.[k] ?? 0) : (value ?? '-'))),
  );

export const orNull = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? n : null);

export function phaseReport(p: Phase, run: string, phase: string): PhaseReport {
  const l = p.latency;
  return {
    run,
    phase,
    name: p.name,
    seconds: p.seconds,
    sent: p.sent,
    answered: p.answered,
    non2xx: non2xx(p),
    errors: p.errors,
    timeouts: p.timeouts,
    throughput: rate(p),
    latency: { p50: orNull(l.p50), p90: orNull(l.p90), p99: orNull(l.p99), max: orNull(l.max) },
    cpu: p.cpu
      ? { server: orNull(p.cpu.server), redis: orNull(p.cpu.redis), bench: orNull(p.cpu.bench) }
      : null,
    samples: p.samples,
  };
}
