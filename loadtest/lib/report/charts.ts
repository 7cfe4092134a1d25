/**
 * The report's charts as chart.js configurations (plain JSON, drawn in the page by chart.js): answers
 * per second of every phase, one bar per run; latency percentiles of every phase, a chart per run; and
 * each phase second by second (answers per second on the left axis, latency percentiles on the right).
 */
import type { BenchReport, PhaseReport } from './shape.ts';

export interface ChartSpec {
  /** the canvas's id */
  id: string;
  title: string;
  config: object;
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const color = (i: number) => PALETTE[i % PALETTE.length] as string;

const PERCENTILES = ['p50', 'p90', 'p99', 'max'] as const;

const axis = (text: string) => ({ display: true, text });
const titled = (text: string) => ({ title: { display: true, text, font: { size: 14 } } });

/** Phase names within runs, in the order they first appear. */
const phaseKeys = (phases: readonly PhaseReport[]) => [...new Set(phases.map((p) => p.phase))];

const runLabel = (run: string) => run || 'this run';

function throughputChart(r: BenchReport): ChartSpec {
  const keys = phaseKeys(r.phases);
  const title = 'Throughput per phase (answers/s, non-2xx included)';
  const datasets = r.runs.map((run, i) => ({
    label: runLabel(run),
    backgroundColor: color(i),
    data: keys.map((k) => r.phases.find((p) => p.run === run && p.phase === k)?.throughput ?? null),
  }));
  const options = { plugins: titled(title), scales: { y: { beginAtZero: true, title: axis('answers/s') } } };
  return {
    id: 'chart-throughput',
    title,
    config: { type: 'bar', data: { labels: keys, datasets }, options },
  };
}

function latencyChart(r: BenchReport, run: string, index: number): ChartSpec {
  const phases = r.phases.filter((p) => p.run === run);
  const title = `Latency per phase, ms${run ? `: ${run}` : ''}`;
  // The colours of the percentiles in the charts over time.
  const datasets = PERCENTILES.map((k, i) => ({
    label: k,
    backgroundColor: color(i + 1),
    data: phases.map((p) => p.latency[k]),
  }));
  const options = { plugins: titled(title), scales: { y: { beginAtZero: true, title: axis('ms') } } };
  const data = { labels: phases.map((p) => p.phase), datasets };
  return { id: `chart-latency-${index}`, title, config: { type: 'bar', data, options } };
}

/** A phase second by second, each sample drawn at the middle of its second; its title names the
 * phase as the results table does. */
function timelineChart(p: PhaseReport, index: number): ChartSpec {
  const title = `${p.name.startsWith(p.run) ? p.name : `${p.run}, ${p.name}`}: second by second`;
  const span = p.samples.reduce((sum, s) => sum + s.seconds, 0);
  const line = (
    label: string,
    i: number,
    yAxisID: string,
    y: (s: PhaseReport['samples'][number]) => unknown,
  ) => ({
    label,
    yAxisID,
    borderColor: color(i),
    backgroundColor: color(i),
    pointRadius: 2,
    data: p.samples.map((s) => ({ x: s.t + s.seconds / 2, y: y(s) })),
  });
  const datasets = [
    line('answers/s', 0, 'y', (s) => s.rps),
    ...PERCENTILES.map((k, i) => line(`${k} ms`, i + 1, 'y1', (s) => s[k])),
  ];
  const options = {
    plugins: titled(title),
    scales: {
      x: {
        type: 'linear',
        min: 0,
        max: Math.max(1, Math.ceil(span)),
        title: axis('s from the start of the phase'),
      },
      y: { position: 'left', beginAtZero: true, title: axis('answers/s') },
      y1: { position: 'right', beginAtZero: true, title: axis('ms'), grid: { drawOnChartArea: false } },
    },
  };
  return { id: `chart-phase-${index}`, title, config: { type: 'line', data: { datasets }, options } };
}

export function charts(r: BenchReport): { perPhase: ChartSpec[]; overTime: ChartSpec[] } {
  const perPhase = r.phases.length
    ? [
        throughputChart(r),
        ...r.runs
          .filter((run) => r.phases.some((p) => p.run === run))
          .map((run, i) => latencyChart(r, run, i)),
      ]
    : [];
  return { perPhase, overTime: r.phases.map(timelineChart) };
}
