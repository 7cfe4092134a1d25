/**
 * `npm run demo` (`npm run demo:deno`: the server on Deno): starts the service as `npm start`
 * (`npm run start:deno`) does, on its own DATA_DIR (./data/demo by default), fills it through the
 * public HTTP API with a sample catalogue (DEMO_BOOKS books in Chinese and English with covers, six
 * stores of two sellers, a buyer with funds), prints the docs page, the accounts and a curl
 * walk-through of the whole flow on stdout, and serves until SIGINT or SIGTERM, which stop the
 * service cleanly (the demo exits with the service's code). Re-running on the same data is fine:
 * the seeding is idempotent.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';
import { int } from '../src/config.ts';
import { exitWithParent } from '../src/process.ts';
import { DemoApi } from './demo/api.ts';
import { seed, waitUntilSearchable } from './demo/seed.ts';
import { ensurePortFree, type Runtime, type Service, startService, waitUntilReady } from './demo/service.ts';
import { summary } from './demo/summary.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const count = (fallback: number, min: number, max: number) => v.pipe(int(fallback, min), v.maxValue(max));
const DemoEnv = v.object({
  PORT: count(5000, 1, 65535),
  HOST: v.optional(v.string(), '0.0.0.0'),
  DATA_DIR: v.optional(v.string(), './data/demo'),
  /** books in the sample catalogue (the walk-through needs books 0 and 1) */
  DEMO_BOOKS: count(300, 2, 100_000),
});

/** Where people reach a server listening on `host` (a wildcard address: this machine). */
function publicHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
/** Where the demo itself reaches it: an address, so no lookup chooses an unused IPv6 `localhost`. */
function localHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return publicHost(host);
}

const say = (line: string) => process.stderr.write(`demo: ${line}\n`);

/**
 * Stops the service on SIGINT/SIGTERM (once, however many arrive) and then exits with its code, or
 * with 1 when the demo failed or the service exited unasked.
 */
function stopOnSignals(service: Service) {
  let stopping = false;
  let failed = false;
  const stop = (failure = false) => {
    failed ||= failure;
    if (stopping) return;
    stopping = true;
    service.child.kill('SIGTERM');
  };
  process.on('SIGINT', () => stop());
  process.on('SIGTERM', () => stop());
  void service.exited.then((code) => {
    if (!stopping) say(`the service exited on its own (code ${code}); its log is above`);
    process.exit(stopping && !failed ? (code ?? 1) : 1);
  });
  return { stopping: () => stopping, stop };
}

async function main() {
  const parsed = v.safeParse(DemoEnv, process.env);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw new Error(`invalid ${v.getDotPath(issue) ?? 'variable'}: ${issue.message}`);
  }
  const { PORT, HOST, DATA_DIR, DEMO_BOOKS } = parsed.output;
  const runtime: Runtime = process.argv[2] === 'deno' ? 'deno' : 'node';
  exitWithParent();
  await ensurePortFree(HOST, PORT);
  say(`starting the service on ${runtime} (scripts/start.sh) on port ${PORT}, data in ${DATA_DIR}`);
  const env = { ...process.env, PORT: String(PORT), HOST, DATA_DIR: resolve(ROOT, DATA_DIR) };
  const service = startService(ROOT, runtime, env);
  const signals = stopOnSignals(service);
  try {
    const api = new DemoApi(`http://${localHost(HOST)}:${PORT}`);
    await waitUntilReady(api.base, service);
    const started = Date.now();
    say(`filling it with ${DEMO_BOOKS} books over HTTP`);
    const seeded = await seed(api, DEMO_BOOKS);
    await waitUntilSearchable(api, DEMO_BOOKS);
    say(`${seeded.added} books listed, all searchable, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const base = `http://${publicHost(HOST)}:${PORT}`;
    process.stdout.write(`\n${summary({ base, dataDir: DATA_DIR, seeded })}`);
  } catch (error) {
    if (signals.stopping()) return; // a signal stopped the service mid-way: not an error
    say((error as Error).message);
    signals.stop(true);
  }
}

main().catch((error) => {
  say((error as Error).message);
  process.exit(1);
});
