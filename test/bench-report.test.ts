/**
 * The benchmarks' report: a real, very short run of the checkout benchmark (`npm run bench:orders`,
 * on Node and on Deno, so the report compares two runs) writes its figures as JSON and as an HTML
 * page. The JSON holds the figures the bench printed, each phase second by second adds up to the
 * phase; headless Chromium opens the page from its file, offline, and every chart is drawn from the
 * JSON's figures, every table shows them, and nothing is logged as an error.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fmt } from '../loadtest/lib/common.ts';
import type { BenchReport, PhaseReport } from '../loadtest/lib/report/shape.ts';
import { launchBrowser, openPage } from './support/browser.ts';
import { ROOT } from './support/server-process.ts';

const DIR = join(ROOT, 'artifacts', 'test-bench-report');

/** Closed loop 1 s, open loop 1 s, a memory phase of 40 orders, a small world: seconds per runtime. */
const TINY = {
  BENCH_MODE: 'checkout',
  BENCH_RUNTIME: 'node,deno',
  BENCH_PROCS: '1',
  BENCH_SECONDS: '1',
  BENCH_ROUNDS: '1',
  BENCH_WARMUP_SECONDS: '0',
  BENCH_OPEN_SECONDS: '1',
  BENCH_MEMORY_ORDERS: '40',
  BENCH_MEMORY_CONNECTIONS: '4',
  BENCH_CONNECTIONS: '4',
  BENCH_BUYERS: '2',
  BENCH_SELLERS: '1',
  BENCH_STORES: '2',
  BENCH_BOOKS: '5',
  BENCH_REPORT_DIR: DIR,
};

function runBench(): Promise<{ code: number | null; out: string }> {
  const env: Record<string, string | undefined> = { ...process.env, ...TINY };
  for (const name of ['BENCH_BASE', 'BENCH_PORT', 'BENCH_BUDGET_SECONDS', 'BENCH_OPEN_PERCENT'])
    delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'loadtest/bench-orders.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((done) => child.once('exit', (code) => done({ code, out })));
}

/** The printed results tables' rows by phase name: the figures after the name. */
function printedRows(out: string, names: readonly string[]): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of out.split('\n'))
    for (const name of names)
      if (line.startsWith(`${name}  `)) rows.set(name, line.slice(name.length).trim().split(/\s+/));
  return rows;
}

/** What the page's phase table must show for a phase, column by column (its own formatting rules). */
const shownPhase = (p: PhaseReport) => [
  p.run,
  p.phase,
  fmt(p.throughput),
  fmt(p.latency.p50 ?? Number.NaN, 1),
  fmt(p.latency.p90 ?? Number.NaN, 1),
  fmt(p.latency.p99 ?? Number.NaN, 1),
  fmt(p.latency.max ?? Number.NaN, 1),
  fmt(p.answered),
  fmt(Math.max(0, p.sent - p.answered)),
  fmt(p.non2xx),
  fmt(p.errors),
  fmt(p.timeouts),
  fmt(p.seconds, 1),
  fmt(p.cpu?.server ?? Number.NaN),
  fmt(p.cpu?.redis ?? Number.NaN),
  fmt(p.cpu?.bench ?? Number.NaN),
];

interface DrawnChart {
  id: string;
  title: string;
  labels: unknown[];
  datasets: { label: string; data: unknown[] }[];
  /** pixels of the canvas that are not transparent */
  inked: number;
}

/** What the test reads of a canvas and of chart.js in the page (the project compiles without DOM types). */
type Canvas = {
  id: string;
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(...box: number[]): { data: ArrayLike<number> } } | null;
};
type PageChart = {
  data: { labels?: unknown[]; datasets: { label: string; data: unknown[] }[] };
  options: { plugins: { title: { text: string } } };
};

/** Every canvas of the page: its chart.js chart (if any) and how many of its pixels are drawn. */
const drawnCharts = (page: Page): Promise<DrawnChart[]> =>
  page.$$eval('canvas', (canvases: Canvas[]) => {
    const { Chart } = globalThis as unknown as { Chart: { getChart(c: Canvas): PageChart | undefined } };
    return canvases.map((canvas) => {
      const chart = Chart.getChart(canvas);
      const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      let inked = 0;
      for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) inked++;
      return {
        id: canvas.id,
        title: chart?.options.plugins.title.text ?? '',
        labels: chart?.data.labels ?? [],
        datasets: (chart?.data.datasets ?? []).map((d) => ({ label: d.label, data: d.data })),
        inked,
      };
    });
  });

const tableText = (page: Page, selector: string) =>
  page.$$eval(`${selector} tbody tr`, (rows) =>
    rows.map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent ?? '')),
  );

describe('the benchmark report', () => {
  let run: { code: number | null; out: string };
  let report: BenchReport;
  let paths: { json: string; html: string };
  let browser: Browser;

  beforeAll(async () => {
    rmSync(DIR, { recursive: true, force: true });
    run = await runBench();
    const printed = (kind: string) => new RegExp(`^report ${kind}: (.+)$`, 'm').exec(run.out)?.[1] ?? '';
    if (!printed('json') || !printed('html'))
      throw new Error(`the bench printed no report paths (exit code ${run.code}):\n${run.out}`);
    paths = { json: resolve(ROOT, printed('json')), html: resolve(ROOT, printed('html')) };
    report = JSON.parse(readFileSync(paths.json, 'utf8')) as BenchReport;
    browser = await launchBrowser();
  }, 150_000);

  afterAll(() => browser?.close());

  it('writes one JSON and one HTML file into BENCH_REPORT_DIR and prints both paths before the result', () => {
    expect(run.code, run.out).not.toBe(2);
    const files = readdirSync(DIR).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^orders-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.html$/);
    expect(files.map((f) => join(DIR, f))).toEqual([paths.html, paths.json]);
    expect(run.out.indexOf('report json:')).toBeLessThan(run.out.indexOf('\nRESULT:'));
    expect(report.result).toBe(run.code === 0 ? 'OK' : 'FAILED');
  });

  it('holds the printed figures of every phase of both runtimes, second by second adding up to the phase', () => {
    expect(report.runs).toHaveLength(2);
    expect(report.runs[0]).toMatch(/ node x1$/);
    expect(report.runs[1]).toMatch(/ deno x1$/);
    const kinds = ['new_order', 'pay', 'pair'];
    for (const [i, runLabel] of report.runs.entries()) {
      const drivers = i === 1 ? ['closed', 'open', 'memory'] : ['closed', 'open'];
      const phases = report.phases.filter((p) => p.run === runLabel).map((p) => p.phase);
      expect(phases).toEqual(drivers.flatMap((d) => kinds.map((k) => `${d} ${k}`)));
    }
    const printed = printedRows(
      run.out,
      report.phases.map((p) => p.name),
    );
    for (const p of report.phases) {
      expect(p.answered, p.name).toBeGreaterThan(0);
      // the results table: req/s, p50, p99, max, answered
      const [rps, p50, p99, max, answered] = printed.get(p.name) ?? [];
      expect([rps, p50, p99, max, answered], p.name).toEqual([
        fmt(p.throughput),
        fmt(p.latency.p50 ?? Number.NaN, 1),
        fmt(p.latency.p99 ?? Number.NaN, 1),
        fmt(p.latency.max ?? Number.NaN, 1),
        fmt(p.answered),
      ]);
      expect(p.samples.length, p.name).toBeGreaterThan(0);
      const answers = p.samples.reduce((sum, s) => sum + s.rps * s.seconds, 0);
      expect(answers, p.name).toBeCloseTo(p.answered, 6);
      expect(Math.max(...p.samples.map((s) => s.max ?? 0)), p.name).toBeCloseTo(p.latency.max ?? 0, 6);
    }
  });

  it('opens offline in Chromium with every chart drawn from the JSON, titled by its phase, and no console error', async () => {
    const { page, errors } = await openPage(browser);
    const outside: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith('file:')) outside.push(request.url());
    });
    await page.goto(pathToFileURL(paths.html).href, { waitUntil: 'load' });
    const charts = await drawnCharts(page);
    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
    const byId = new Map(charts.map((c) => [c.id, c]));
    expect(charts).toHaveLength(1 + report.runs.length + report.phases.length);
    for (const c of charts) expect(c.inked, c.id).toBeGreaterThan(0);

    const keys = [...new Set(report.phases.map((p) => p.phase))];
    const throughput = byId.get('chart-throughput');
    expect(throughput?.labels).toEqual(keys);
    expect(throughput?.datasets).toEqual(
      report.runs.map((r) => ({
        label: r,
        data: keys.map((k) => report.phases.find((p) => p.run === r && p.phase === k)?.throughput ?? null),
      })),
    );
    for (const [i, r] of report.runs.entries()) {
      const latency = byId.get(`chart-latency-${i}`);
      const phases = report.phases.filter((p) => p.run === r);
      expect(latency?.title).toContain(r);
      expect(latency?.labels).toEqual(phases.map((p) => p.phase));
      expect(latency?.datasets).toEqual(
        (['p50', 'p90', 'p99', 'max'] as const).map((k) => ({
          label: k,
          data: phases.map((p) => p.latency[k]),
        })),
      );
    }
    for (const [i, p] of report.phases.entries()) {
      const timeline = byId.get(`chart-phase-${i}`);
      expect(timeline?.title).toContain(p.name);
      const ys = (timeline?.datasets ?? []).map((d) => ({
        label: d.label,
        y: d.data.map((xy) => (xy as { y: unknown }).y),
      }));
      expect(ys).toEqual([
        { label: 'answers/s', y: p.samples.map((s) => s.rps) },
        ...(['p50', 'p90', 'p99', 'max'] as const).map((k) => ({
          label: `${k} ms`,
          y: p.samples.map((s) => s[k]),
        })),
      ]);
    }
    await page.close();
  });

  it('shows in its tables the figures of the JSON', async () => {
    const { page } = await openPage(browser);
    await page.goto(pathToFileURL(paths.html).href, { waitUntil: 'load' });
    expect(await tableText(page, '#phases')).toEqual(report.phases.map(shownPhase));
    expect(await page.textContent('#result')).toBe(report.result);
    for (const [i, t] of report.tables.entries()) {
      const shown = t.rows.map((row) =>
        row.map((v, k) => (typeof v === 'number' ? fmt(v, t.digits?.[k] ?? 0) : (v ?? '-'))),
      );
      expect(await tableText(page, `#figures-${i}`), t.title).toEqual(shown);
    }
    const summary = report.tables.find((t) => t.title.startsWith('Summary'));
    expect(summary?.rows.map((row) => row[0])).toEqual(report.runs);
    await page.close();
  });
});
