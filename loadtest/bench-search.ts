/**
 * Search benchmark: `npx tsx loadtest/bench-search.ts` (the lead's `npm run bench:search`).
 *
 * For 100 books and for BENCH_BOOKS (40,000) books, each round against its own throwaway
 * redis-server and a fresh server process:
 *   (1) writes the deterministic catalogue of ./lib/gen-books.ts straight into the catalogue hash;
 *   (2) starts the server, which rebuilds its search index from Redis before it listens: reports the
 *       server's own "search index built" log line (`books`, `ms`) and its RSS (/proc VmRSS; VmHWM
 *       is the peak, i.e. during the rebuild);
 *   (3) checks every query of the rotation once: its `total` must be the generator's known hit
 *       count (523 for the one that finds nothing), and times 20 sequential requests of each;
 *   (4) autocannon, BENCH_CONNECTIONS connections for BENCH_SECONDS each after a 1 s warm-up:
 *       GET /healthz (the baseline), then POST /search/search_books rotating over the queries
 *       (site-wide, page 1, page_size 20): req/s, p50, p99, non-2xx, with 523 ("nothing found", the
 *       rotation's miss) counted apart, and the ratio to healthz; RSS again after the load.
 * Then the memory per book (RSS after start, big round minus small round, per extra book) and the
 * issue's targets at the big size: search p99 <= 20 ms under load, rebuild <= 10 s, each MET or NOT
 * MET. Exit code 0 when no round had an error (non-2xx other than 523, socket errors, timeouts, a
 * wrong hit count); the targets are reported, not enforced; 2 when the bench itself could not run.
 *
 * Environment: BENCH_BOOKS (40000), BENCH_SECONDS (10), BENCH_CONNECTIONS (50).
 */
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { keySpace } from '../src/redis/keys.ts';
import {
  cannonRequest,
  measured,
  type PhaseResult,
  phaseProblems,
  rate,
  runCannon,
  table,
} from './lib/cannon.ts';
import { fmt, intEnv, log } from './lib/common.ts';
import { QUERIES, writeBooks } from './lib/gen-books.ts';
import { send } from './lib/http.ts';
import { runWithStack, type Stack } from './lib/stack.ts';
import { summarize } from './lib/stats.ts';
import * as api from './scenarios/api.ts';
import { runTag } from './scenarios/catalog.ts';

const BIG = intEnv('BENCH_BOOKS', 40_000, 1);
const SECONDS = intEnv('BENCH_SECONDS', 10, 1);
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 50, 1);
const SMALL = Math.min(100, BIG);
const SIZES = BIG === SMALL ? [SMALL] : [SMALL, BIG];
const WARMUP_SECONDS = 1;
const PAGE_SIZE = 20;
const SAMPLES = 20;
const P99_TARGET_MS = 20;
const REBUILD_TARGET_MS = 10_000;
const MISS = 523;

interface Round {
  books: number;
  writeMs: number;
  jsonBytes: number;
  /** spawn to the "search index built" log line (the server answers /healthz before that) */
  upMs: number;
  built?: { books: number; ms: number };
  rssStart?: number;
  hwmStart?: number;
  rssEnd?: number;
  healthz?: PhaseResult;
  search?: PhaseResult;
  problems: string[];
}

/** A /proc/<pid>/status field in bytes (`VmRSS`, `VmHWM`), or undefined where /proc cannot tell. */
function procBytes(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

const mb = (bytes: number | undefined) => (bytes === undefined ? '-' : `${fmt(bytes / 2 ** 20)} MB`);

/** The server's "search index built" line (JSON log): its `books` and `ms`. */
function indexBuilt(output: string): { books: number; ms: number } | undefined {
  for (const line of output.split('\n')) {
    if (!line.includes('search index built')) continue;
    try {
      const entry = JSON.parse(line) as { books?: unknown; ms?: unknown };
      if (typeof entry.books === 'number' && typeof entry.ms === 'number')
        return { books: entry.books, ms: entry.ms };
    } catch {
      // not a JSON line
    }
  }
  return undefined;
}

/** Each query once (its total against the known hit count), then SAMPLES sequential timings. */
async function checkQueries(base: string, n: number, problems: string[]) {
  log(`  queries (each checked once, then ${SAMPLES} sequential requests, ms):`);
  const rows = [['query', 'keyword', 'expected', 'answer', 'p50', 'max', '']];
  for (const q of QUERIES) {
    const req = api.searchBooks(q.keyword, 1, PAGE_SIZE);
    const expected = q.expectedHits(n);
    const first = await send(base, req);
    const total = api.numberField(first.reply, 'total');
    const answer = first.status === 200 ? `${fmt(total ?? Number.NaN)}` : String(first.status);
    const ok = expected === 0 ? first.status === MISS : first.status === 200 && total === expected;
    if (!ok)
      problems.push(
        `query ${q.keyword}: expected ${expected === 0 ? MISS : `total ${expected}`}, got ${answer}`,
      );
    const books = first.reply?.books;
    if (ok && expected > 0 && (!Array.isArray(books) || books.length !== Math.min(PAGE_SIZE, expected)))
      problems.push(`query ${q.keyword}: page 1 holds ${Array.isArray(books) ? books.length : 'no'} books`);
    const times: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const t0 = performance.now();
      await send(base, req);
      times.push(performance.now() - t0);
    }
    const s = summarize(times);
    rows.push([q.label, q.keyword, fmt(expected), answer, fmt(s.p50, 1), fmt(s.max, 1), ok ? 'OK' : 'WRONG']);
  }
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => width(r[i] ?? ''))));
  for (const row of rows)
    log(
      `    ${row.map((c, i) => (i < 2 ? padEnd(c, widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')}`,
    );
}

/** Display width: a CJK character takes two columns. */
const width = (text: string) => [...text].reduce((w, c) => w + (/[\u1100-\uffdc]/.test(c) ? 2 : 1), 0);
const padEnd = (text: string, to: number) => text + ' '.repeat(Math.max(0, to - width(text)));

/**
 * Waits until the server has worked off what a stopped run left in flight (autocannon drops its
 * connections, the server still computes their answers): a /healthz queued behind them answers last.
 */
async function drain(base: string): Promise<number> {
  const t0 = performance.now();
  await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(120_000) });
  return performance.now() - t0;
}

/** Requests sent but not answered when the phase ended (not in the latency figures). */
const unanswered = (p: PhaseResult) => Math.max(0, p.result.requests.sent - p.result.requests.total);

const misses = (p: PhaseResult) => p.result.statusCodeStats?.[String(MISS) as '200']?.count ?? 0;

/** Healthz, then the search rotation, each after a warm-up. */
async function load(stack: Stack, round: Round) {
  const common = { url: stack.base, connections: CONNECTIONS, timeout: 10 };
  const warmups: PhaseResult[] = [];
  const health = { ...common, requests: [cannonRequest(api.healthz(), {})] };
  warmups.push({ name: 'healthz warm-up', result: await runCannon({ ...health, duration: WARMUP_SECONDS }) });
  await drain(stack.base);
  round.healthz = await measured('healthz', stack.pids, () => runCannon({ ...health, duration: SECONDS }));
  const searches = {
    ...common,
    requests: QUERIES.map((q) => cannonRequest(api.searchBooks(q.keyword, 1, PAGE_SIZE), {})),
  };
  warmups.push({
    name: 'search warm-up',
    result: await runCannon({ ...searches, duration: WARMUP_SECONDS }),
  });
  const drained = await drain(stack.base);
  if (drained > 1000)
    log(`  (the server took ${fmt(drained / 1000, 1)} s to answer the warm-up's last requests)`);
  round.search = await measured(`search ${fmt(round.books)}`, stack.pids, () =>
    runCannon({ ...searches, duration: SECONDS }),
  );
  await drain(stack.base);
  if (round.search.result.requests.total === 0)
    round.problems.push(
      `search: no request answered within ${SECONDS} s (${fmt(unanswered(round.search))} sent)`,
    );
  // 523 is the rotation's expected miss; every other non-2xx is an error
  for (const phase of [...warmups, round.healthz, round.search]) {
    const miss = misses(phase);
    const result = { ...phase.result, non2xx: phase.result.non2xx - miss };
    round.problems.push(...phaseProblems({ ...phase, result }));
  }
}

function reportRound(round: Round) {
  const { healthz, search } = round;
  if (!healthz || !search) return;
  log();
  log(table([healthz, search]));
  const miss = misses(search);
  const total = search.result.requests.total;
  log(
    `  search: ${fmt(miss)} answers ${MISS} "nothing found" (${fmt((100 * miss) / (total || 1), 1)}% of ${fmt(total)}; the rotation has 1 miss in ${QUERIES.length}), other non-2xx ${fmt(search.result.non2xx - miss)}`,
  );
  log(
    `  requests still unanswered when the phase ended (not in the latency figures): healthz ${fmt(unanswered(healthz))}, search ${fmt(unanswered(search))}`,
  );
  log(`  ratio search/healthz = ${fmt(rate(search.result) / (rate(healthz.result) || 1), 3)} (req/s)`);
  log(`  RSS after the load ${mb(round.rssEnd)}`);
}

async function runRound(n: number, tag: string): Promise<{ code: number; round: Round }> {
  const round: Round = { books: n, writeMs: 0, jsonBytes: 0, upMs: 0, problems: [] };
  log();
  log(`== ${fmt(n)} books`);
  let spawnAt = 0;
  const keys = keySpace(tag);
  const code = await runWithStack(
    {
      label: 'bench:search',
      dirPrefix: 'bench-search-',
      // info level for the "search index built" line; the bench's own Redis only
      env: { KEY_PREFIX: tag, LOG_LEVEL: 'info', REDIS_CLUSTER_NODES: undefined },
      readyTimeoutMs: 60_000 + n * 15,
      async prepare(url) {
        const redis = new Redis(url);
        try {
          const t0 = performance.now();
          round.jsonBytes = await writeBooks(redis, keys, n);
          round.writeMs = performance.now() - t0;
          const stored = await redis.hlen(keys.catalogueBooks());
          if (stored !== n) throw new Error(`catalogue holds ${stored} books, expected ${n}`);
        } finally {
          redis.disconnect();
        }
        log(
          `  ${fmt(n)} books generated and written in ${fmt(round.writeMs / 1000, 1)} s (${mb(round.jsonBytes)} of JSON)`,
        );
        spawnAt = performance.now();
      },
    },
    async (stack) => {
      // The server answers /healthz at once and builds the index in the background: wait for it.
      for (let waited = 0; !indexBuilt(stack.server.output()) && waited < 60_000 + n * 15; waited += 100) {
        await new Promise((r) => setTimeout(r, 100));
      }
      round.upMs = performance.now() - spawnAt;
      const pid = stack.server.child.pid;
      round.rssStart = procBytes(pid, 'VmRSS');
      round.hwmStart = procBytes(pid, 'VmHWM');
      round.built = indexBuilt(stack.server.output());
      log(
        `  index ready ${fmt(round.upMs / 1000, 1)} s after spawn; "search index built": ${
          round.built ? `books ${fmt(round.built.books)}, ms ${fmt(round.built.ms)}` : 'line not found'
        }`,
      );
      if (!round.built) round.problems.push('no "search index built" line in the server output');
      else if (round.built.books !== n)
        round.problems.push(`index built with ${round.built.books} books, not ${n}`);
      log(`  RSS after start ${mb(round.rssStart)} (peak so far, VmHWM ${mb(round.hwmStart)})`);
      await checkQueries(stack.base, n, round.problems);
      await load(stack, round);
      round.rssEnd = procBytes(pid, 'VmRSS');
      reportRound(round);
      if (stack.server.child.exitCode !== null)
        round.problems.push(`the server exited with ${stack.server.child.exitCode}`);
      const warnings = stack.server
        .output()
        .split('\n')
        .filter((line) => /"level":"(warn|error)"/.test(line));
      if (warnings.length) log(`  server warnings/errors, last lines:\n${warnings.slice(-10).join('\n')}`);
      return 0;
    },
  );
  return { code, round };
}

function summary(rounds: Round[]): string[] {
  const problems = rounds.flatMap((r) => r.problems.map((p) => `${fmt(r.books)} books: ${p}`));
  const small = rounds[0];
  const big = rounds[rounds.length - 1];
  log();
  log('summary:');
  for (const r of rounds)
    log(
      `  ${fmt(r.books).padStart(7)} books: rebuild ${r.built ? `${fmt(r.built.ms)} ms` : '-'} (${r.built ? fmt((1000 * r.built.ms) / Math.max(1, r.built.books), 0) : '-'} ms per 1,000 books), RSS after start ${mb(r.rssStart)}, peak ${mb(r.hwmStart)}, after the load ${mb(r.rssEnd)}; search ${fmt(r.search ? rate(r.search.result) : Number.NaN)} req/s, p50 ${fmt(r.search?.result.latency.p50 ?? Number.NaN, 1)} ms, p99 ${fmt(r.search?.result.latency.p99 ?? Number.NaN, 1)} ms`,
    );
  if (small && big && big !== small && small.rssStart !== undefined && big.rssStart !== undefined) {
    const perBook = (big.rssStart - small.rssStart) / (big.books - small.books);
    log(
      `  memory per book: (RSS ${mb(big.rssStart)} - ${mb(small.rssStart)}) / (${fmt(big.books)} - ${fmt(small.books)} books) = ${fmt(perBook / 1024, 1)} KB per book (JSON in Redis: ${fmt(big.jsonBytes / big.books / 1024, 1)} KB per book)`,
    );
  }
  if (big?.search && big.built) {
    const p99 = big.search.result.latency.p99;
    const answered = big.search.result.requests.total > 0;
    log();
    log(`targets at ${fmt(big.books)} books:`);
    log(
      `  search p99 under load (${CONNECTIONS} connections) <= ${P99_TARGET_MS} ms: ${answered ? `p99 ${fmt(p99, 1)} ms  ${p99 <= P99_TARGET_MS ? 'MET' : 'NOT MET'}` : `no search answered within ${SECONDS} s  NOT MET`}`,
    );
    log(
      `  index rebuild at start <= ${fmt(REBUILD_TARGET_MS / 1000)} s: ${fmt(big.built.ms / 1000, 1)} s  ${big.built.ms <= REBUILD_TARGET_MS ? 'MET' : 'NOT MET'}`,
    );
  }
  return problems;
}

async function main(): Promise<number> {
  log(
    `bench:search  books ${SIZES.map((n) => fmt(n)).join(' and ')}, ${CONNECTIONS} connections, ${SECONDS} s per phase, ${QUERIES.length} queries in rotation (site-wide, page 1, page_size ${PAGE_SIZE}), own redis-server per round`,
  );
  const rounds: Round[] = [];
  for (const n of SIZES) {
    const { code, round } = await runRound(n, runTag(Date.now(), Math.random()));
    if (code !== 0) return code;
    rounds.push(round);
  }
  const problems = summary(rounds);
  if (problems.length) {
    log();
    log('ERRORS:');
    for (const line of problems) log(`  - ${line}`);
  }
  log();
  log(
    problems.length
      ? `RESULT: FAILED (${problems.length} problem${problems.length > 1 ? 's' : ''})`
      : 'RESULT: OK',
  );
  return problems.length ? 1 : 0;
}

process.exitCode = await main();
