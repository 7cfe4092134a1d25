/**
 * The HTML report of a bench: one self-contained file that opens offline. The figures are written
 * into the page as tables (the phases as in the printed results table, p90 added; the bench's other
 * figures; the settings; the problems), and chart.js, inlined from node_modules, draws the charts of
 * charts.ts from their configurations embedded as JSON.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type ChartSpec, charts } from './charts.ts';
import { type BenchReport, type Cell, type FigureTable, type PhaseReport, tableText } from './shape.ts';

/** chart.js's standalone build, without its source-map comment (the map is not in the page). */
function chartJs(): string {
  const main = createRequire(import.meta.url).resolve('chart.js');
  const source = readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
  return source.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Code inside <script>: nothing in it may close the element. */
const scriptText = (text: string) => text.replace(/<\/(script)/gi, '<\\/$1');
/** JSON inside <script>: no `<` at all (`\u003c` is the same string to JSON.parse). */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** Figures right-aligned, words left-aligned. */
const td = (text: string) =>
  `<td${/^-?[\d,.]+$|^-$/.test(text) ? '' : ' class="text"'}>${escapeHtml(text)}</td>`;

function htmlTable(id: string, head: readonly string[], rows: readonly string[][]): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const tr = rows.map((row) => `<tr>${row.map(td).join('')}</tr>`);
  return `<table id="${id}"><thead><tr>${th}</tr></thead><tbody>\n${tr.join('\n')}\n</tbody></table>`;
}

/** The phase table's columns: header, and the figure with its decimals. */
const PHASE_COLUMNS: [string, (p: PhaseReport) => Cell, number][] = [
  ['phase', (p) => p.phase, 0],
  ['req/s', (p) => p.throughput, 0],
  ['p50 ms', (p) => p.latency.p50, 1],
  ['p90 ms', (p) => p.latency.p90, 1],
  ['p99 ms', (p) => p.latency.p99, 1],
  ['max ms', (p) => p.latency.max, 1],
  ['answered', (p) => p.answered, 0],
  ['unanswered', (p) => Math.max(0, p.sent - p.answered), 0],
  ['non-2xx', (p) => p.non2xx, 0],
  ['errors', (p) => p.errors, 0],
  ['timeouts', (p) => p.timeouts, 0],
  ['secs', (p) => p.seconds, 1],
  ['cpu% server', (p) => p.cpu?.server ?? null, 0],
  ['redis', (p) => p.cpu?.redis ?? null, 0],
  ['bench', (p) => p.cpu?.bench ?? null, 0],
];

function phaseTable(r: BenchReport): string {
  const many = r.runs.length > 1 || r.runs[0] !== '';
  const columns = many ? [['run', (p: PhaseReport) => p.run, 0] as const, ...PHASE_COLUMNS] : PHASE_COLUMNS;
  const table: FigureTable = {
    title: 'phases',
    head: columns.map(([head]) => head),
    rows: r.phases.map((p) => columns.map(([, value]) => value(p))),
    digits: columns.map(([, , digits]) => digits),
  };
  return htmlTable('phases', table.head, tableText(table));
}

const figureTable = (t: FigureTable, i: number) =>
  `<h3>${escapeHtml(t.title)}</h3>\n${htmlTable(`figures-${i}`, t.head, tableText(t))}`;

const figure = (c: ChartSpec) =>
  `<figure class="chart"><canvas id="${c.id}" role="img" aria-label="${escapeHtml(c.title)}"></canvas></figure>`;

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em auto; max-width: 1200px; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-variant-numeric: tabular-nums; }
th, td { padding: 2px 8px; border-bottom: 1px solid #eee; text-align: right; white-space: nowrap; }
th:first-child, td.text { text-align: left; } th { background: #f5f5f5; }
.chart { height: 340px; margin: 0 0 1.5em; position: relative; }
.over-time { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 0 1.5em; }
.ok { color: #1a7f37; } .failed { color: #cf222e; } .meta { color: #555; }`;

/** The page. */
export function reportHtml(r: BenchReport): string {
  const { perPhase, overTime } = charts(r);
  const settings = Object.entries(r.settings).map(([k, v]) => [k, String(v)]);
  const problems = r.problems.length
    ? `<ul id="problems">${r.problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul>`
    : '<p id="problems">none</p>';
  const specs = [...perPhase, ...overTime].map(({ id, config }) => ({ id, config }));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(`${r.bench} ${r.startedAt}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(r.bench)}</h1>
<p class="meta">${escapeHtml(r.title)}</p>
<p class="meta">${escapeHtml(`${r.startedAt} to ${r.finishedAt}`)}; result:
<strong id="result" class="${r.result === 'OK' ? 'ok' : 'failed'}">${r.result}</strong></p>
<h2>Phases</h2>
${phaseTable(r)}
<h2>Throughput and latency per phase</h2>
${perPhase.map(figure).join('\n')}
<h2>Each phase second by second</h2>
<div class="over-time">
${overTime.map(figure).join('\n')}
</div>
${r.tables.length ? `<h2>Other figures</h2>\n${r.tables.map(figureTable).join('\n')}` : ''}
<h2>Problems</h2>
${problems}
<h2>Settings</h2>
${htmlTable('settings', ['setting', 'value'], settings)}
<script type="application/json" id="chart-configs">${scriptJson(specs)}</script>
<script>${scriptText(chartJs())}</script>
<script>
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
for (const { id, config } of JSON.parse(document.getElementById('chart-configs').textContent)) {
  new Chart(document.getElementById(id), config);
}
</script>
</body>
</html>
`;
}
