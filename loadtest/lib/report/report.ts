/**
 * A bench's report as it runs: the phases and figures it adds, then at the end (lib/common.ts's
 * `runBench`) the JSON (shape.ts) and the HTML page (html.ts) written side by side as
 * `<dir>/<bench>-<start time>.json` and `.html`, where <dir> is BENCH_REPORT_DIR or the checkout's
 * `artifacts/bench` (git ignores artifacts/).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Phase } from '../phase.ts';
import { ROOT } from '../server.ts';
import { reportHtml } from './html.ts';
import { type BenchReport, type FigureTable, type PhaseReport, phaseReport } from './shape.ts';

export type Settings = BenchReport['settings'];

export const reportDir = () => resolve(process.env.BENCH_REPORT_DIR || join(ROOT, 'artifacts', 'bench'));

/** `orders-2025-01-31T09-05-07Z` (a second run in the same second gets `-2`). */
function freeStem(dir: string, bench: string, at: Date): string {
  const stem = `${bench.replace(/^bench:/, '')}-${at
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-')}`;
  let name = stem;
  for (let n = 2; existsSync(join(dir, `${name}.json`)); n++) name = `${stem}-${n}`;
  return name;
}

export class ReportDraft {
  private readonly startedAt = new Date();
  private readonly runs: string[] = [];
  private readonly phases: PhaseReport[] = [];
  private readonly tables: FigureTable[] = [];

  constructor(
    private readonly bench: string,
    private readonly title: string,
    private readonly settings: Settings,
  ) {}

  /** Phases of one `run` ('' when the bench compares nothing), each named within it by `phase`. */
  addPhases(run: string, phases: readonly Phase[], phase: (p: Phase) => string = (p) => p.name): this {
    if (!this.runs.includes(run)) this.runs.push(run);
    for (const p of phases) this.phases.push(phaseReport(p, run, phase(p)));
    return this;
  }

  addTable(table: FigureTable): this {
    this.tables.push(table);
    return this;
  }

  finish(problems: readonly string[]): BenchReport {
    return {
      bench: this.bench,
      title: this.title,
      startedAt: this.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      settings: this.settings,
      runs: this.runs.length ? this.runs : [''],
      phases: this.phases,
      tables: this.tables,
      problems: [...problems],
      result: problems.length ? 'FAILED' : 'OK',
    };
  }

  /** Writes both files; their paths. */
  write(problems: readonly string[]): { json: string; html: string } {
    const report = this.finish(problems);
    const dir = reportDir();
    mkdirSync(dir, { recursive: true });
    const stem = join(dir, freeStem(dir, this.bench, this.startedAt));
    const paths = { json: `${stem}.json`, html: `${stem}.html` };
    writeFileSync(paths.json, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(paths.html, reportHtml(report));
    return paths;
  }
}
