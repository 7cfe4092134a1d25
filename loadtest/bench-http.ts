/**
 * `npm run bench:http`: the cost of the service's HTTP layer on Node. `GET /healthz` of the real
 * server (its middleware: metrics, body limit, routing) against a bare Hono app on
 * @hono/node-server (loadtest/lib/bare-hono.ts), in alternating autocannon rounds of BENCH_SECONDS
 * (default 5) each, BENCH_ROUNDS (default 3) rounds, BENCH_CONNECTIONS (default 50) connections, so
 * both see the same machine. Prints each round and the ratio of the totals; the aim is ≥ 0.7.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/server-process.ts';
import { runCannon } from './lib/cannon.ts';
import { fmt, intEnv, log, runBench } from './lib/common.ts';
import { rate } from './lib/phase.ts';
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

const healthz = (name: string, base: string) =>
  runCannon(name, { url: `${base}/healthz`, connections: CONNECTIONS, duration: SECONDS });

runBench('bench:http', () =>
  runWithStack({ dirPrefix: 'bench-http-', env: { KEY_PREFIX: 'bench-http' } }, async (stack) => {
    const bare = await startBare();
    const totals = { bare: 0, service: 0 };
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        const b = rate(await healthz('bare', bare.base));
        const s = rate(await healthz('service', stack.base));
        totals.bare += b;
        totals.service += s;
        log(`round ${round}: bare Hono ${fmt(b)} req/s, service ${fmt(s)} req/s, ratio ${fmt(s / b, 2)}`);
      }
    } finally {
      bare.child.kill('SIGTERM');
    }
    const ratio = totals.service / totals.bare;
    log(`service /healthz ÷ bare Hono /healthz over ${ROUNDS} rounds: ${fmt(ratio, 2)} (aim ≥ ${AIM})`);
    return ratio >= AIM
      ? []
      : [`the service's /healthz is ${fmt(ratio, 2)}× a bare Hono app's, under ${AIM}`];
  }),
);
