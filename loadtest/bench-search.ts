/**
 * Search benchmark: `npm run bench:search`. For 100 books and for BENCH_BOOKS books, each round
 * against its own redis-server, DATA_DIR and server: writes the deterministic catalogue of
 * lib/gen-books.ts into Redis, reports how long the server takes to have its search index ready and
 * its memory, checks every query's hit count, measures search under load (closed loop at saturation,
 * open loop at fixed rates), then restarts the server on the same DATA_DIR after books were added while
 * it was down. Ends with memory per book and the issue's targets (loadtest/README.md explains all),
 * and writes its report (lib/report/, lib/search-figures.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type autocannon from 'autocannon';
import { keySpace } from '../src/redis/keys.ts';
import { cannonRequest, runCannon } from './lib/cannon.ts';
import { fmt, intEnv, log, runBench, sleep } from './lib/common.ts';
import { FILLER_WORDS, QUERIES, writeBooks } from './lib/gen-books.ts';
import { send } from './lib/http.ts';
import { paced } from './lib/paced.ts';
import { logRatios, type Phase, phaseProblems, rate, table } from './lib/phase.ts';
import { mb, memory } from './lib/proc.ts';
import { ReportDraft } from './lib/report/report.ts';
import { type Built, type Round, reportRounds } from './lib/search-figures.ts';
import { checkQueries, coldRankings, MISS, PAGE_SIZE } from './lib/search-queries.ts';
import { runWithStack, type Stack } from './lib/stack.ts';
import * as api from './scenarios/api.ts';
import { runTag } from './scenarios/catalog.ts';

const BIG = intEnv('BENCH_BOOKS', 40_000, 1);
const SECONDS = intEnv('BENCH_SECONDS', 10, 1);
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 50, 1);
/** Offered rates of the open-loop phases (BENCH_RATES, comma-separated req/s). */
const RATES = (process.env.BENCH_RATES ?? '200,500')
  .split(',')
  .map(Number)
  .filter((r) => r > 0);
const SIZES = BIG <= 100 ? [BIG] : [100, BIG];
const P99_TARGET_MS = 20;
const READY_TARGET_MS = 10_000;
/** Books written to Redis while the server is down, before the restart. */
const ADDED_WHILE_DOWN = 100;
/** Pages of each filler word in the varied rotation. */
const VARIED_PAGES = 20;

/** The i-th varied question: word x page pairs in a scattered order. */
function variedQuestion(i: number) {
  const pair = (i * 7_919) % (FILLER_WORDS.length * VARIED_PAGES);
  const word = FILLER_WORDS[pair % FILLER_WORDS.length] as string;
  return api.searchBooks(word, 1 + Math.floor(pair / FILLER_WORDS.length), PAGE_SIZE);
}

/** Waits for the server's "search index built" line (JSON log): its `books`, `indexed` and `ms`. */
async function indexBuilt(stack: Stack, timeoutMs: number): Promise<Built | undefined> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(50)) {
    const line = stack.server
      .output()
      .split('\n')
      .find((l) => l.includes('search index built'));
    const entry = line ? (JSON.parse(line) as Partial<Built>) : undefined;
    if (typeof entry?.books === 'number' && typeof entry.ms === 'number')
      return { books: entry.books, indexed: entry.indexed ?? entry.books, ms: entry.ms };
  }
  return undefined;
}

/**
 * Waits until the server has worked off what a stopped run left in flight (autocannon drops its
 * connections, the server still computes their answers): a /healthz queued behind them answers last.
 */
const drain = (base: string) => fetch(`${base}/healthz`, { signal: AbortSignal.timeout(120_000) });

/**
 * Healthz, the search rotation and the varied questions at saturation (closed loop, each after a
 * warm-up), then healthz and the varied questions at each of RATES offered (open loop).
 */
async function load(stack: Stack, round: Round) {
  const { base, pids } = stack;
  const common = { url: base, connections: CONNECTIONS, timeout: 10 };
  let next = 0;
  const setupRequest = (request: autocannon.Request) => ({ ...request, body: variedQuestion(next++).body });
  const closed: [string, autocannon.Request[]][] = [
    ['healthz', [cannonRequest(api.healthz())]],
    [
      `search ${fmt(round.books)}`,
      QUERIES.map((q) => cannonRequest(api.searchBooks(q.keyword, 1, PAGE_SIZE))),
    ],
    [`varied ${fmt(round.books)}`, [{ ...cannonRequest(variedQuestion(0)), setupRequest }]],
  ];
  for (const [name, requests] of closed) {
    if (!name.startsWith('varied')) {
      const warm = await runCannon(`${name} warm-up`, { ...common, requests, duration: 1 });
      round.problems.push(...phaseProblems(warm, [MISS]));
      await drain(base);
    }
    round.phases.push(await runCannon(name, { ...common, requests, duration: SECONDS }, { pids }));
    await drain(base);
  }
  for (const r of RATES)
    for (const [name, request] of [
      ['healthz', api.healthz],
      ['varied', variedQuestion],
    ] as const) {
      round.phases.push(
        await paced({ name: `${name} @${r}/s`, base, count: r * SECONDS, seconds: SECONDS, request, pids }),
      );
      await drain(base);
    }
  for (const p of round.phases)
    round.problems.push(...phaseProblems(p, p.name.startsWith('search') ? [MISS] : []));
}

function reportLoad(round: Round) {
  const [healthz, search, varied] = round.phases as [Phase, Phase, Phase];
  log(`\n${table(round.phases)}\n  (@ rows: open loop, latency from each request's due time)\n`);
  logRatios([search, varied], [healthz]);
  const miss = search.statuses[MISS] ?? 0;
  log(
    `  search: the ${QUERIES.length}-query rotation, ${fmt(miss)} answers ${MISS} "nothing found" (${fmt((100 * miss) / (search.answered || 1), 1)}%; 1 query in ${QUERIES.length} finds nothing); varied: ${fmt(FILLER_WORDS.length * VARIED_PAGES)} common-word x page questions in scattered order`,
  );
  log(`  RSS after the load ${mb(round.rssEnd)}`);
}

/** Logs the index line of a start; returns problems when it is missing or counts other than `n`. */
function checkBuilt(what: string, built: Built | undefined, n: number, upMs: number): string[] {
  log(
    `  ${what}: index ready ${fmt(upMs / 1000, 2)} s after spawn; "search index built": ${built ? `books ${fmt(built.books)}, indexed ${fmt(built.indexed)}, ms ${fmt(built.ms)}` : 'line not found'}`,
  );
  if (!built) return [`${what}: no "search index built" line in the server output`];
  return built.books === n ? [] : [`${what}: index built with ${built.books} books, not ${n}`];
}

/**
 * Stops the server, writes ADDED_WHILE_DOWN more books straight into Redis (no change-stream entry:
 * as if added while no server ran), starts a new server on the same DATA_DIR and times its index:
 * it must reuse its file and read only the catalogue that changed.
 */
async function restart(stack: Stack, round: Round, tag: string) {
  const n = round.books + ADDED_WHILE_DOWN;
  let t0 = 0;
  await stack.restart(async () => {
    await writeBooks(stack.redis, keySpace(tag), n, round.books);
    t0 = performance.now();
  });
  round.restart = await indexBuilt(stack, 60_000 + n * 15);
  const what = `restart on the same DATA_DIR after ${ADDED_WHILE_DOWN} books were added to Redis while down`;
  round.problems.push(...checkBuilt(what, round.restart, n, performance.now() - t0));
  const q = QUERIES[0] as (typeof QUERIES)[number];
  const total = api.numberField(
    (await send(stack.base, api.searchBooks(q.keyword, 1, PAGE_SIZE))).reply,
    'total',
  );
  if (total !== q.expectedHits(n))
    round.problems.push(`restart: ${q.keyword} found ${total}, expected ${q.expectedHits(n)}`);
}

async function runRound(n: number): Promise<Round> {
  const round: Round = { books: n, jsonBytes: 0, phases: [], problems: [] };
  const tag = runTag(Date.now(), Math.random());
  log(`\n== ${fmt(n)} books`);
  // The round's own DATA_DIR, kept for the restart (the index file lives there).
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-search-data-'));
  // info level for the "search index built" line; the bench's own Redis only
  const env = { KEY_PREFIX: tag, LOG_LEVEL: 'info', REDIS_CLUSTER_NODES: undefined, DATA_DIR: dataDir };
  let spawnAt = 0;
  const prepare = async (redis: Stack['redis']) => {
    const t0 = performance.now();
    round.jsonBytes = await writeBooks(redis, keySpace(tag), n);
    const took = (performance.now() - t0) / 1000;
    log(`  ${fmt(n)} books generated and written in ${fmt(took, 1)} s (${mb(round.jsonBytes)} of JSON)`);
    spawnAt = performance.now();
  };
  const stackOptions = { dirPrefix: 'bench-search-', env, prepare, readyTimeoutMs: 60_000 + n * 15 };
  const problems = await runWithStack(stackOptions, async (stack) => {
    // The server answers /healthz at once and builds the index in the background: wait for it.
    round.built = await indexBuilt(stack, 60_000 + n * 15);
    round.problems.push(...checkBuilt('start', round.built, n, performance.now() - spawnAt));
    const pid = stack.server.child.pid;
    [round.rssStart, round.hwmStart] = [memory(pid, 'VmRSS'), memory(pid, 'VmHWM')];
    log(`  RSS after start ${mb(round.rssStart)} (peak so far, VmHWM ${mb(round.hwmStart)})`);
    round.problems.push(...(await checkQueries(stack.base, n)));
    await coldRankings(stack.base);
    await load(stack, round);
    round.rssEnd = memory(pid, 'VmRSS');
    reportLoad(round);
    await restart(stack, round, tag);
    return [];
  }).finally(() => rmSync(dataDir, { recursive: true, force: true }));
  round.problems.push(...problems);
  return round;
}

const phase = (round: Round, name: string) => round.phases.find((p) => p.name.startsWith(name));
const brief = (p: Phase | undefined) =>
  p ? `${fmt(rate(p))} req/s, p50 ${fmt(p.latency.p50, 1)} ms, p99 ${fmt(p.latency.p99, 1)} ms` : '-';

/** The issue's targets at the large size, each MET or NOT MET. */
function targets(big: Round) {
  log(`\ntargets at ${fmt(big.books)} books:`);
  const p99 = (label: string, p: Phase | undefined, extra = '') => {
    const verdict = p?.answered
      ? `p99 ${fmt(p.latency.p99, 1)} ms  ${p.latency.p99 <= P99_TARGET_MS ? 'MET' : 'NOT MET'}`
      : `no search answered within ${SECONDS} s  NOT MET`;
    log(`  search p99 (${label}${extra}) <= ${P99_TARGET_MS} ms: ${verdict}`);
  };
  for (const r of RATES) {
    const floor = phase(big, `healthz @${r}/s`)?.latency.p99 ?? Number.NaN;
    p99(
      `varied at ${fmt(r)} req/s offered`,
      phase(big, `varied @${r}/s`),
      `; healthz at that rate: p99 ${fmt(floor, 1)} ms`,
    );
  }
  p99(`rotation at saturation, ${CONNECTIONS} connections`, phase(big, 'search'));
  p99(`varied at saturation, ${CONNECTIONS} connections`, phase(big, 'varied '));
  const ready = (ms: number | undefined) =>
    ms === undefined ? '-  NOT MET' : `${fmt(ms / 1000, 1)} s  ${ms <= READY_TARGET_MS ? 'MET' : 'NOT MET'}`;
  log(`  index built from an empty index file <= ${READY_TARGET_MS / 1000} s: ${ready(big.built?.ms)}`);
  log(
    `  index ready at a restart (file reused, ${ADDED_WHILE_DOWN} books added while down) <= ${READY_TARGET_MS / 1000} s: ${ready(big.restart?.ms)}`,
  );
}

function summary(rounds: Round[]) {
  log('\nsummary:');
  for (const r of rounds) {
    const perK = r.built ? fmt((1000 * r.built.ms) / Math.max(1, r.built.books)) : '-';
    log(
      `  ${fmt(r.books).padStart(7)} books: build ${fmt(r.built?.ms ?? Number.NaN)} ms (${perK} ms per 1,000 books), restart ${fmt(r.restart?.ms ?? Number.NaN)} ms; RSS after start ${mb(r.rssStart)}, peak ${mb(r.hwmStart)}, after the load ${mb(r.rssEnd)}; search ${brief(phase(r, 'search'))}; varied ${brief(phase(r, 'varied '))}`,
    );
  }
  const [small, big] = [rounds[0], rounds[rounds.length - 1]];
  if (small && big && big !== small && small.rssStart !== undefined && big.rssStart !== undefined) {
    const perBook = (big.rssStart - small.rssStart) / (big.books - small.books);
    log(
      `  memory per book: (RSS ${mb(big.rssStart)} - ${mb(small.rssStart)}) / (${fmt(big.books)} - ${fmt(small.books)} books) = ${fmt(perBook / 1024, 1)} KB per book (JSON in Redis: ${fmt(big.jsonBytes / big.books / 1024, 1)} KB per book)`,
    );
  }
  if (big) targets(big);
  return rounds.flatMap((r) => r.problems.map((p) => `${fmt(r.books)} books: ${p}`));
}

const report = new ReportDraft(
  'bench:search',
  'POST /search/search_books at saturation (closed loop) and at fixed rates (open loop), per catalogue size; the search index at start and at a restart',
  { BENCH_BOOKS: BIG, BENCH_SECONDS: SECONDS, BENCH_CONNECTIONS: CONNECTIONS, BENCH_RATES: RATES.join(',') },
);

await runBench(
  'bench:search',
  async () => {
    log(
      `bench:search  books ${SIZES.map((n) => fmt(n)).join(' and ')}, ${CONNECTIONS} connections, ${SECONDS} s per phase, rates ${RATES.join(', ')} req/s, ${QUERIES.length} queries in rotation (site-wide, page 1, page_size ${PAGE_SIZE}), own redis-server per round`,
    );
    const rounds: Round[] = [];
    for (const n of SIZES) rounds.push(await runRound(n));
    reportRounds(report, rounds);
    return summary(rounds);
  },
  report,
);
