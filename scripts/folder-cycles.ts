/**
 * `npm run lint`'s check of the layering: the module graph of src/ and workers/ (from madge, which
 * already refuses module cycles) folded into folders, src/<folder> each one node, a file directly
 * in src/ a node of its own. Any cycle between these nodes fails with the cycle and the imports
 * that make it: a folder depends on another, or the other on it, never both.
 */
import { createRequire } from 'node:module';

type Graph = Record<string, string[]>;
const madge: (paths: string[], options: object) => Promise<{ obj(): Graph }> = createRequire(import.meta.url)(
  'madge',
);

/** `src/domain/orders.ts` → `src/domain`; `src/app.ts` → itself; `workers/index.ts` → `workers`. */
export const nodeOf = (file: string): string => {
  const parts = file.split('/');
  if (parts[0] === 'src') return parts.length > 2 ? `src/${parts[1]}` : file;
  return parts[0] ?? file;
};

/** The edges between nodes, each with one import that makes it. */
export function foldGraph(graph: Graph): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const [file, imports] of Object.entries(graph)) {
    for (const target of imports) {
      const [from, to] = [nodeOf(file), nodeOf(target)];
      if (from === to) continue;
      const out = edges.get(from) ?? new Map<string, string>();
      if (!out.has(to)) out.set(to, `${file} → ${target}`);
      edges.set(from, out);
    }
  }
  return edges;
}

/** One cycle of the folded graph (its nodes, first repeated at the end), or undefined. */
export function findCycle(edges: Map<string, Map<string, string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const visit = (node: string, path: string[]): string[] | undefined => {
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    if (state.get(node) === 'done') return undefined;
    state.set(node, 'open');
    for (const next of edges.get(node)?.keys() ?? []) {
      const cycle = visit(next, [...path, node]);
      if (cycle) return cycle;
    }
    state.set(node, 'done');
    return undefined;
  };
  for (const node of edges.keys()) {
    const cycle = visit(node, []);
    if (cycle) return cycle;
  }
  return undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const graph = (await madge(['src', 'workers'], { fileExtensions: ['ts'] })).obj();
  const edges = foldGraph(graph);
  const cycle = findCycle(edges);
  if (cycle) {
    process.stderr.write(`import cycle between folders: ${cycle.join(' → ')}\n`);
    for (let i = 0; i + 1 < cycle.length; i++) {
      process.stderr.write(`  ${edges.get(cycle[i] ?? '')?.get(cycle[i + 1] ?? '')}\n`);
    }
    process.exit(1);
  }
  process.stdout.write(`no import cycle between folders (${edges.size} folders and top-level files)\n`);
}
