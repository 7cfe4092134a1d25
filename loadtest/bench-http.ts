/**
 * `npm run bench:http`: the cost of the service's HTTP layer on Node. `GET /healthz` of the real
 * server (its middleware: metrics, body limit, routing) against a bare Hono app on
 * @hono/node-server (loadtest/lib/bare-hono.ts), in alternating autocannon rounds of BENCH_SECONDS
 * (default 5) each, BENCH_ROUNDS (default 3) rounds, BENCH_CONNECTIONS (default 50) connections, so
 * both see the same machine. Prints each round and the ratio of the totals; the aim is ≥ 0.7. Writes
 * its report (lib/report/): each round of each server as a phase.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/server-process.ts';
import { runCannon } from './lib/cannon.ts';
import { fmt, intEnv, log, runBench } from './lib/common.ts';
import { type Phase, rate } from './lib/phase.ts';
import { ReportDraft } from './lib/report/report.ts';
import { runWithStack } from './lib/stack.ts';

const SECONDS = intEnv('BENCH_SECONDS', 5, 1);
const ROUNDS = intEnv('BENCH_ROUNDS', 3, 1);
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 50, 1);
const AIM = 0.7;

async function startBare(): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort();
  const entry = fileURLToPath(new URL('./lib/bare-hono.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`bare Hono app exited (${code})`)));
  });
  return { base: `http://127.0.0.1:${port}`, child };
}

const report = new ReportDraft(
  'bench:http',
  'GET /healthz of the service against a bare Hono app on @hono/node-server, alternating autocannon rounds (closed loop)',
  { BENCH_SECONDS: SECONDS, BENCH_ROUNDS: ROUNDS, BENCH_CONNECTIONS: CONNECTIONS },
);

const healthz = (name: string, base: string) =>
  runCannon(name, { url: `${base}/healthz`, connections: CONNECTIONS, duration: SECONDS });

/** The report: every round of both servers, and the ratios. */
function addToReport(rounds: { bare: Phase; service: Phase }[], ratio: number) {
  const key = (p: Phase) => p.name.replace(/^.* (round \d+)$/, '$1');
  for (const [run, server] of [['bare Hono', 'bare'] as const, ['service', 'service'] as const])
    report.addPhases(
      run,
      rounds.map((r) => r[server]),
      key,
    );
  const rows = rounds.map((r, i) => [
    `round ${i + 1}`,
    rate(r.bare),
    rate(r.service),
    rate(r.service) / rate(r.bare),
  ]);
  report.addTable({
    title: `service ÷ bare Hono, /healthz req/s (aim ≥ ${AIM})`,
    head: ['round', 'bare Hono req/s', 'service req/s', 'ratio'],
    rows: [...rows, ['all rounds', null, null, ratio]],
    digits: [0, 0, 0, 2],
  });
}

runBench(
  'bench:http',
  () =>
    runWithStack({ dirPrefix: 'bench-http-', env: { KEY_PREFIX: 'bench-http' } }, async (stack) => {
      const bare = await startBare();
      const rounds: { bare: Phase; service: Phase }[] = [];
      try {
        for (let round = 1; round <= ROUNDS; round++) {
          const r = {
            bare: await healthz(`bare Hono round ${round}`, bare.base),
            service: await healthz(`service round ${round}`, stack.base),
          };
          rounds.push(r);
          const [b, s] = [rate(r.bare), rate(r.service)];
          log(`round ${round}: bare Hono ${fmt(b)} req/s, service ${fmt(s)} req/s, ratio ${fmt(s / b, 2)}`);
        }
      } finally {
        bare.child.kill('SIGTERM');
      }
      const total = (k: 'bare' | 'service') => rounds.reduce((sum, r) => sum + rate(r[k]), 0);
      const ratio = total('service') / total('bare');
      log(`service /healthz ÷ bare Hono /healthz over ${ROUNDS} rounds: ${fmt(ratio, 2)} (aim ≥ ${AIM})`);
      addToReport(rounds, ratio);
      return ratio >= AIM
        ? []
        : [`the service's /healthz is ${fmt(ratio, 2)}× a bare Hono app's, under ${AIM}`];
    }),
  report,
);
