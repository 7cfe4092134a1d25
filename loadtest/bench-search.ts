/**
 * Search benchmark: `npx tsx loadtest/bench-search.ts` (the lead's `npm run bench:search`).
 *
 * For 100 books and for BENCH_BOOKS (40,000) books, each round against its own throwaway
 * redis-server, DATA_DIR and server process:
 *   (1) writes the deterministic catalogue of ./lib/gen-books.ts straight into the catalogue hash;
 *   (2) starts the server, which builds its search index from Redis in the background (the index
 *       file under DATA_DIR is new, so everything is read and indexed): reports the server's own
 *       "search index built" log line (`books`, `indexed`, `ms`) and its RSS (/proc VmRSS; VmHWM is
 *       the peak, i.e. during the build);
 *   (3) checks every query of the rotation once: its `total` must be the generator's known hit
 *       count (523 for the one that finds nothing), and times 20 sequential requests of each;
 *   (3b) the first request for each common filler word, one at a time: the uncached cost of
 *       ranking a word found in most books (p50, p99, max);
 *   (4) autocannon, BENCH_CONNECTIONS connections for BENCH_SECONDS each after a 1 s warm-up:
 *       GET /healthz (the baseline, at saturation and at each BENCH_RATES offered); POST /search/search_books rotating over the queries (site-wide,
 *       page 1, page_size 20; after its first time each is a ranking-cache hit); then "varied": every
 *       request a different common filler word and page (each word was ranked once by the step
 *       before, so these are pages of cached rankings), at saturation and then at each of BENCH_RATES
 *       requests per second offered (latency under load, corrected for coordinated omission): req/s, p50, p99, non-2xx, with 523 ("nothing found", the rotation's miss)
 *       counted apart, and the ratios to healthz; RSS again after the load;
 *   (5) stops the server, writes 100 more books straight into Redis, starts a new server on the same
 *       DATA_DIR and reports how long its index took (it reuses the file and reads only the
 *       catalogue whose count changed), checking a query's total includes the new books.
 * Then the memory per book (RSS after start, big round minus small round, per extra book) and the
 * issue's targets at the big size: search p99 <= 20 ms under load, index ready <= 10 s (from empty
 * and at a restart), each MET or NOT MET. Exit code 0 when no round had an error (non-2xx other than
 * 523, socket errors, timeouts, a wrong hit count); the targets are reported, not enforced; 2 when
 * the bench itself could not run.
 *
 * Environment: BENCH_BOOKS (40000), BENCH_SECONDS (10), BENCH_CONNECTIONS (50), BENCH_RATES (200,500).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { keySpace } from '../src/redis/keys.ts';
import { startServer } from '../test/support/server-process.ts';
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
import { FILLER_WORDS, QUERIES, writeBooks } from './lib/gen-books.ts';
import { send } from './lib/http.ts';
import { type PacedResult, paced } from './lib/paced.ts';
import { runWithStack, type Stack } from './lib/stack.ts';
import { summarize } from './lib/stats.ts';
import * as api from './scenarios/api.ts';
import { runTag } from './scenarios/catalog.ts';

const BIG = intEnv('BENCH_BOOKS', 40_000, 1);
const SECONDS = intEnv('BENCH_SECONDS', 10, 1);
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 50, 1);
/** Offered rates of the open-loop phases (BENCH_RATES, comma-separated req/s). */
const RATES = (process.env.BENCH_RATES ?? '200,500')
  .split(',')
  .map((r) => Number.parseInt(r.trim(), 10))
  .filter((r) => r > 0);
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
  built?: Built;
  rssStart?: number;
  hwmStart?: number;
  rssEnd?: number;
  healthz?: PhaseResult;
  search?: PhaseResult;
  varied?: PhaseResult;
  /** per offered rate: healthz (the latency floor of the bench and the HTTP stack) and varied */
  paced: { rate: number; healthz: PacedResult; varied: PacedResult }[];
  /** ms of the first (uncached) request for each filler word, one at a time */
  cold?: ReturnType<typeof summarize>;
  restart?: Built & { upMs: number; added: number };
  problems: string[];
}

interface Built {
  books: number;
  /** listings read from Redis and indexed at this start (the rest came from the index file) */
  indexed: number;
  ms: number;
}

/** Books written to Redis while the server is down, before the restart round. */
const ADDED_WHILE_DOWN = 100;
/** Pages of each filler word in the varied rotation. */
const VARIED_PAGES = 20;
const VARIED_PAIRS = FILLER_WORDS.length * VARIED_PAGES;

/** The i-th varied question (keyword, page, page size): word x page pairs in a scattered order. */
function variedQuestion(i: number): [string, number, number] {
  const pair = (i * 7_919) % VARIED_PAIRS;
  const word = FILLER_WORDS[pair % FILLER_WORDS.length] as string;
  return [word, 1 + Math.floor(pair / FILLER_WORDS.length), PAGE_SIZE];
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

/** The server's "search index built" line (JSON log): its `books`, `indexed` and `ms`. */
function indexBuilt(output: string): Built | undefined {
  for (const line of output.split('\n')) {
    if (!line.includes('search index built')) continue;
    try {
      const entry = JSON.parse(line) as Partial<Built>;
      if (typeof entry.books === 'number' && typeof entry.ms === 'number')
        return { books: entry.books, indexed: entry.indexed ?? entry.books, ms: entry.ms };
    } catch {
      // not a JSON line
    }
  }
  return undefined;
}

/** Waits for the "search index built" line of a server's output. */
async function waitBuilt(output: () => string, timeoutMs: number): Promise<Built | undefined> {
  for (let waited = 0; !indexBuilt(output()) && waited < timeoutMs; waited += 50) {
    await new Promise((r) => setTimeout(r, 50));
  }
  return indexBuilt(output());
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

/**
 * The first request for each common filler word, one at a time with nothing else running: the cost
 * of ranking a word found in most books, before any cache has it.
 */
async function coldRankings(base: string, round: Round) {
  const times: number[] = [];
  for (const word of FILLER_WORDS) {
    const t0 = performance.now();
    const answer = await send(base, api.searchBooks(word, 1, PAGE_SIZE));
    times.push(performance.now() - t0);
    if (answer.status !== 200) round.problems.push(`cold query ${word}: status ${answer.status}`);
  }
  round.cold = summarize(times);
  log(
    `  first request for each of ${FILLER_WORDS.length} common words (uncached ranking, sequential): p50 ${fmt(round.cold.p50, 1)} ms, p99 ${fmt(round.cold.p99, 1)} ms, max ${fmt(round.cold.max, 1)} ms`,
  );
}

/**
 * Healthz, the search rotation and the varied questions at saturation (closed loop, each after a
 * warm-up), then healthz and the varied questions at each of RATES offered (open loop, lib/paced.ts).
 */
async function load(stack: Stack, round: Round) {
  const common = { url: stack.base, connections: CONNECTIONS, timeout: 10 };
  const warmups: PhaseResult[] = [];
  const health = { ...common, requests: [cannonRequest(api.healthz(), {})] };
  warmups.push({ name: 'healthz warm-up', result: await runCannon({ ...health, duration: WARMUP_SECONDS }) });
  await drain(stack.base);
  round.healthz = await measured('healthz', stack.pids, () => runCannon({ ...health, duration: SECONDS }));
  await drain(stack.base);
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
  // Every request another common filler word and page (each word was ranked once by coldRankings:
  // these are pages of cached rankings).
  let next = 0;
  const varied = {
    ...common,
    requests: [
      {
        ...cannonRequest(api.searchBooks('', 1, PAGE_SIZE), {}),
        setupRequest: (request: autocannon.Request) => ({
          ...request,
          body: api.searchBooks(...variedQuestion(next++)).body,
        }),
      },
    ],
  };
  round.varied = await measured(`varied ${fmt(round.books)}`, stack.pids, () =>
    runCannon({ ...varied, duration: SECONDS }),
  );
  await drain(stack.base);
  // At fixed offered rates, open loop: latency under load rather than at saturation.
  const base = stack.base;
  const question = (i: number) => api.searchBooks(...variedQuestion(i));
  for (const rate of RATES) {
    const healthz = await paced({ base, rate, seconds: SECONDS, request: () => api.healthz() });
    await drain(base);
    const searched = await paced({ base, rate, seconds: SECONDS, request: question });
    await drain(base);
    round.paced.push({ rate, healthz, varied: searched });
  }
  if (round.search.result.requests.total === 0)
    round.problems.push(
      `search: no request answered within ${SECONDS} s (${fmt(unanswered(round.search))} sent)`,
    );
  // 523 is the rotation's expected miss; every other non-2xx is an error
  for (const phase of [...warmups, round.healthz, round.search, round.varied]) {
    const miss = misses(phase);
    const result = { ...phase.result, non2xx: phase.result.non2xx - miss };
    round.problems.push(...phaseProblems({ ...phase, result }));
  }
  for (const [name, run] of round.paced.flatMap(({ rate, healthz, varied }) => [
    [`healthz at ${rate}/s`, healthz] as const,
    [`varied at ${rate}/s`, varied] as const,
  ])) {
    const bad = run.sent - (run.statuses[200] ?? 0);
    if (bad)
      round.problems.push(
        `${name}: ${bad} of ${run.sent} not answered 200 (${JSON.stringify(run.statuses)}, ${run.errors} errors)`,
      );
  }
}

function reportRound(round: Round) {
  const { healthz, search, varied } = round;
  if (!healthz || !search || !varied) return;
  log();
  log(table([healthz, search, varied]));
  log();
  log(`  open loop, ${SECONDS} s per rate (latency from each request's due time, ms):`);
  for (const [name, run] of round.paced.flatMap(({ rate, healthz: h, varied: v }) => [
    [`healthz @${fmt(rate)}/s`, h] as const,
    [`varied  @${fmt(rate)}/s`, v] as const,
  ]))
    log(
      `    ${name}  answered ${fmt(run.answered)}/${fmt(run.sent)}  p50 ${fmt(run.latency.p50, 1)}  p90 ${fmt(run.latency.p90, 1)}  p99 ${fmt(run.latency.p99, 1)}  max ${fmt(run.latency.max, 1)}  errors ${run.errors}`,
    );
  log(
    `  search: the ${QUERIES.length}-query rotation (each page answered from the cache after its first time); varied: ${fmt(VARIED_PAIRS)} distinct common-word x page questions in scattered order (each word ranked once before, pages sliced from its cached ranking)`,
  );
  const miss = misses(search);
  const total = search.result.requests.total;
  log(
    `  search: ${fmt(miss)} answers ${MISS} "nothing found" (${fmt((100 * miss) / (total || 1), 1)}% of ${fmt(total)}; the rotation has 1 miss in ${QUERIES.length}), other non-2xx ${fmt(search.result.non2xx - miss)}`,
  );
  log(
    `  requests still unanswered when the phase ended (not in the latency figures): healthz ${fmt(unanswered(healthz))}, search ${fmt(unanswered(search))}`,
  );
  log(`  ratio search/healthz = ${fmt(rate(search.result) / (rate(healthz.result) || 1), 3)} (req/s)`);
  log(`  ratio varied/healthz = ${fmt(rate(varied.result) / (rate(healthz.result) || 1), 3)} (req/s)`);
  log(`  RSS after the load ${mb(round.rssEnd)}`);
}

async function runRound(n: number, tag: string): Promise<{ code: number; round: Round }> {
  const round: Round = { books: n, writeMs: 0, jsonBytes: 0, upMs: 0, problems: [], paced: [] };
  log();
  log(`== ${fmt(n)} books`);
  let spawnAt = 0;
  const keys = keySpace(tag);
  // The round's own DATA_DIR, kept for the restart (the index file lives there).
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-search-data-'));
  // info level for the "search index built" line; the bench's own Redis only
  const env = { KEY_PREFIX: tag, LOG_LEVEL: 'info', REDIS_CLUSTER_NODES: undefined, DATA_DIR: dataDir };
  const code = await runWithStack(
    {
      label: 'bench:search',
      dirPrefix: 'bench-search-',
      env,
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
      await waitBuilt(() => stack.server.output(), 60_000 + n * 15);
      round.upMs = performance.now() - spawnAt;
      const pid = stack.server.child.pid;
      round.rssStart = procBytes(pid, 'VmRSS');
      round.hwmStart = procBytes(pid, 'VmHWM');
      round.built = indexBuilt(stack.server.output());
      log(
        `  index ready ${fmt(round.upMs / 1000, 1)} s after spawn; "search index built": ${
          round.built
            ? `books ${fmt(round.built.books)}, indexed ${fmt(round.built.indexed)}, ms ${fmt(round.built.ms)}`
            : 'line not found'
        }`,
      );
      if (!round.built) round.problems.push('no "search index built" line in the server output');
      else if (round.built.books !== n)
        round.problems.push(`index built with ${round.built.books} books, not ${n}`);
      log(`  RSS after start ${mb(round.rssStart)} (peak so far, VmHWM ${mb(round.hwmStart)})`);
      await checkQueries(stack.base, n, round.problems);
      await coldRankings(stack.base, round);
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
      if (stack.redis) {
        await stack.server.stop();
        await restart(stack.redis.url, round, env, keys);
      }
      return 0;
    },
  );
  rmSync(dataDir, { recursive: true, force: true });
  return { code, round };
}

/**
 * Stops the server, writes ADDED_WHILE_DOWN more books straight into Redis (no change stream entry:
 * as if added while no server ran), starts a new server on the same DATA_DIR and times its index:
 * it must reuse its file and read only the catalogue that changed.
 */
async function restart(
  redisUrl: string,
  round: Round,
  env: Record<string, string | undefined>,
  keys: ReturnType<typeof keySpace>,
): Promise<void> {
  const n = round.books;
  const redis = new Redis(redisUrl);
  try {
    await writeBooks(redis, keys, n + ADDED_WHILE_DOWN, { from: n });
  } finally {
    redis.disconnect();
  }
  const t0 = performance.now();
  const server = await startServer('node', { ...env, REDIS_URL: redisUrl }, undefined, 60_000 + n * 15);
  try {
    const built = await waitBuilt(() => server.output(), 60_000 + n * 15);
    const upMs = performance.now() - t0;
    if (!built) {
      round.problems.push('restart: no "search index built" line');
      return;
    }
    round.restart = { ...built, upMs, added: ADDED_WHILE_DOWN };
    log();
    log(
      `  restart on the same DATA_DIR after ${ADDED_WHILE_DOWN} books were added to Redis while down: index ready ${fmt(upMs / 1000, 2)} s after spawn; "search index built": books ${fmt(built.books)}, indexed ${fmt(built.indexed)}, ms ${fmt(built.ms)}`,
    );
    if (built.books !== n + ADDED_WHILE_DOWN)
      round.problems.push(`restart: index holds ${built.books} books, not ${n + ADDED_WHILE_DOWN}`);
    const q = QUERIES[0] as (typeof QUERIES)[number];
    const answer = await send(server.baseUrl, api.searchBooks(q.keyword, 1, PAGE_SIZE));
    const total = api.numberField(answer.reply, 'total');
    if (total !== q.expectedHits(n + ADDED_WHILE_DOWN))
      round.problems.push(
        `restart: ${q.keyword} found ${total}, expected ${q.expectedHits(n + ADDED_WHILE_DOWN)}`,
      );
  } finally {
    await server.stop();
  }
}

function summary(rounds: Round[]): string[] {
  const problems = rounds.flatMap((r) => r.problems.map((p) => `${fmt(r.books)} books: ${p}`));
  const small = rounds[0];
  const big = rounds[rounds.length - 1];
  log();
  log('summary:');
  for (const r of rounds)
    log(
      `  ${fmt(r.books).padStart(7)} books: build ${r.built ? `${fmt(r.built.ms)} ms` : '-'}, restart ${r.restart ? `${fmt(r.restart.ms)} ms` : '-'} (${r.built ? fmt((1000 * r.built.ms) / Math.max(1, r.built.books), 0) : '-'} ms per 1,000 books), RSS after start ${mb(r.rssStart)}, peak ${mb(r.hwmStart)}, after the load ${mb(r.rssEnd)}; search ${fmt(r.search ? rate(r.search.result) : Number.NaN)} req/s, p50 ${fmt(r.search?.result.latency.p50 ?? Number.NaN, 1)} ms, p99 ${fmt(r.search?.result.latency.p99 ?? Number.NaN, 1)} ms; varied ${fmt(r.varied ? rate(r.varied.result) : Number.NaN)} req/s, p50 ${fmt(r.varied?.result.latency.p50 ?? Number.NaN, 1)} ms, p99 ${fmt(r.varied?.result.latency.p99 ?? Number.NaN, 1)} ms`,
    );
  if (small && big && big !== small && small.rssStart !== undefined && big.rssStart !== undefined) {
    const perBook = (big.rssStart - small.rssStart) / (big.books - small.books);
    log(
      `  memory per book: (RSS ${mb(big.rssStart)} - ${mb(small.rssStart)}) / (${fmt(big.books)} - ${fmt(small.books)} books) = ${fmt(perBook / 1024, 1)} KB per book (JSON in Redis: ${fmt(big.jsonBytes / big.books / 1024, 1)} KB per book)`,
    );
  }
  if (big?.search && big.varied && big.built) {
    log();
    log(`targets at ${fmt(big.books)} books:`);
    for (const [label, p99, answered] of [
      ...big.paced.map(
        ({ rate, healthz, varied }) =>
          [
            `varied at ${fmt(rate)} req/s offered; healthz at that rate: p99 ${fmt(healthz.latency.p99, 1)} ms`,
            varied.latency.p99,
            varied.answered > 0,
          ] as const,
      ),
      [
        `rotation at saturation, ${CONNECTIONS} connections`,
        big.search.result.latency.p99,
        big.search.result.requests.total > 0,
      ],
      [
        `varied at saturation, ${CONNECTIONS} connections`,
        big.varied.result.latency.p99,
        big.varied.result.requests.total > 0,
      ],
    ] as const) {
      log(
        `  search p99 (${label}) <= ${P99_TARGET_MS} ms: ${answered ? `p99 ${fmt(p99, 1)} ms  ${p99 <= P99_TARGET_MS ? 'MET' : 'NOT MET'}` : `no search answered within ${SECONDS} s  NOT MET`}`,
      );
    }
    const verdict = (ms: number) => `${fmt(ms / 1000, 1)} s  ${ms <= REBUILD_TARGET_MS ? 'MET' : 'NOT MET'}`;
    log(
      `  index built from an empty index file <= ${fmt(REBUILD_TARGET_MS / 1000)} s: ${verdict(big.built.ms)}`,
    );
    if (big.restart)
      log(
        `  index ready at a restart (file reused, ${fmt(big.restart.added)} books added while down) <= ${fmt(REBUILD_TARGET_MS / 1000)} s: ${verdict(big.restart.ms)}`,
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
