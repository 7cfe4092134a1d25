/**
 * `npm run demo` for real: its entry (scripts/demo.ts, what start.sh runs once it has prepared the
 * machine), which starts the server through start.sh, on a free port with a temporary DATA_DIR and
 * its own embedded Redis, with a small catalogue (DEMO_BOOKS). The test waits for the printed
 * walk-through, runs it with sh and curl against the server and checks every step's answer (the
 * order ends received, the buyer paid its price and the seller got it, Chinese and English searches
 * find demo books), checks that the README shows the same walk-through, and stops the demo with
 * SIGTERM (exit 0, its Redis stopped). A second run on the same data lists nothing twice and the
 * walk-through works again. `npm run demo:deno` once more with the server on Deno.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answersPing } from '../src/redis/embedded.ts';
import { stopLeftoverEmbeddedRedis } from './support/redis-process.ts';
import { freePort, ROOT } from './support/server-process.ts';

const BOOKS = 40;
const SERVING = '\n\nServing until Ctrl-C.';

interface Demo {
  child: ChildProcess;
  port: number;
  stdout(): string;
  output(): string;
  exited: Promise<number | null>;
}

function startDemo(dataDir: string, port: number, runtime: 'node' | 'deno' = 'node'): Demo {
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DEMO_BOOKS: String(BOOKS),
    LOG_LEVEL: 'warn',
  };
  // its own embedded Redis under DATA_DIR, as on a fresh machine
  delete env.REDIS_URL;
  delete env.REDIS_CLUSTER_NODES;
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', runtime], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, port, stdout: () => stdout, output: () => `${stdout}\n--- stderr ---\n${stderr}`, exited };
}

/** Waits for the demo's closing line; answers everything it printed. */
async function printed(demo: Demo, timeoutMs = 90_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!demo.stdout().includes(SERVING)) {
    if (demo.child.exitCode !== null) throw new Error(`the demo exited early:\n${demo.output()}`);
    if (Date.now() > deadline) throw new Error(`the demo printed no walk-through in time:\n${demo.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return demo.stdout();
}

/** The walk-through in what the demo printed: from `BASE=` to the closing line. */
function walkThroughIn(stdout: string): string {
  const start = stdout.indexOf('\nBASE=');
  const end = stdout.indexOf(SERVING);
  expect(start, stdout).toBeGreaterThan(0);
  return stdout.slice(start + 1, end);
}

const sameApartFromAddress = (text: string) => text.replace(/^BASE=.*$/m, 'BASE=<address>');

/** The sh block of README.md that holds the walk-through. */
function readmeWalkThrough(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  const block = blocks.find((b) => b.startsWith('BASE='));
  if (!block) throw new Error('README.md has no ```sh block starting with BASE=');
  return block.trimEnd();
}

interface Answer {
  code: number;
  [field: string]: unknown;
}

async function post(base: string, path: string, body: unknown): Promise<Answer> {
  const response = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Answer;
}

/** Runs the walk-through with sh; answers one parsed answer per step. */
async function runWalkThrough(text: string): Promise<Answer[]> {
  const { stdout } = await promisify(execFile)('sh', ['-c', text], { timeout: 60_000 });
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Answer);
}

type Book = { id: string; pictures: string[] };

/** Checks the answers of the 12 steps; answers the order's amount. */
function checkAnswers(answers: Answer[], sellerBefore: number): number {
  expect(answers).toHaveLength(12);
  for (const [i, answer] of answers.entries())
    expect(answer.code, `step ${i + 1}: ${JSON.stringify(answer)}`).toBe(200);
  const [
    buyerLogin,
    sellerLogin,
    chinese,
    english,
    buyerBefore,
    order,
    ,
    ,
    ,
    status,
    buyerAfter,
    sellerAfter,
  ] = answers as [
    Answer,
    Answer,
    Answer,
    Answer,
    Answer,
    Answer,
    Answer,
    Answer,
    Answer,
    Answer,
    Answer,
    Answer,
  ];
  expect(String(buyerLogin.token)).toMatch(/\S{20,}/);
  expect(String(sellerLogin.token)).toMatch(/\S{20,}/);
  for (const [search, word] of [
    [chinese, '灯塔'],
    [english, 'lighthouse'],
  ] as const) {
    const books = search.books as Book[];
    expect(Number(search.total)).toBeGreaterThan(0);
    expect(books.length).toBeGreaterThan(0);
    for (const book of books) {
      expect(book.id).toMatch(/^demo-\d{4}$/);
      expect(JSON.stringify(book).toLowerCase()).toContain(word);
      expect(book.pictures.length).toBeGreaterThan(0);
    }
  }
  expect(String(order.order_id)).not.toBe('');
  expect(status.order_status).toBe('received');
  const placed = status.order as { order_id: string; amount: number; status: string };
  expect(placed.order_id).toBe(order.order_id);
  expect(placed.amount).toBeGreaterThan(0);
  expect(Number(buyerBefore.balance) - Number(buyerAfter.balance)).toBe(placed.amount);
  expect(Number(sellerAfter.balance) - sellerBefore).toBe(placed.amount);
  return placed.amount;
}

const sellerBalance = async (base: string) =>
  Number(
    (await post(base, '/buyer/query_balance', { user_id: 'demo-seller-1', password: 'seller-password' }))
      .balance,
  );

/** SIGTERM; the demo must stop its server (and the server its Redis) and exit 0. */
async function stop(demo: Demo, dataDir: string) {
  demo.child.kill('SIGTERM');
  expect(await demo.exited, demo.output()).toBe(0);
  expect(await answersPing(join(dataDir, 'redis', 'redis.sock'))).toBe(false);
}

describe('npm run demo', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bookstore-demo-'));
  const demos: Demo[] = [];

  beforeAll(() => {
    // The walk-through is for sh with curl and sed.
    execFileSync('sh', ['-c', 'command -v curl && command -v sed'], { stdio: 'ignore' });
    // start.sh's own condition for running npm ci: it must not hold here, or the demo's start.sh
    // would reinstall the modules from under this test run.
    const installFresh =
      '[ -L node_modules ] || { [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; }';
    try {
      execFileSync('sh', ['-c', installFresh], { cwd: ROOT, stdio: 'ignore' });
    } catch {
      throw new Error('node_modules is older than package-lock.json: run npm ci before this test');
    }
  });

  afterAll(async () => {
    for (const demo of demos) if (demo.child.exitCode === null) demo.child.kill('SIGKILL');
    // A Redis left by a demo that did not stop cleanly.
    for (const dir of [dataDir, join(dataDir, 'deno')]) await stopLeftoverEmbeddedRedis(dir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('fills a fresh service, prints a walk-through that runs and matches the README, and stops on SIGTERM', async () => {
    const demo = startDemo(dataDir, await freePort());
    demos.push(demo);
    const stdout = await printed(demo);
    const base = `http://127.0.0.1:${demo.port}`;

    expect(stdout).toContain(`API docs (send any request from the page): ${base}/docs`);
    expect((await fetch(`${base}/docs`)).status).toBe(200);
    const cover = await fetch(`${base}/books/demo-0001/pictures/0`);
    expect(cover.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await cover.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    for (const account of [
      'demo-buyer',
      'buyer-password',
      'demo-seller-1',
      'demo-seller-2',
      'seller-password',
    ])
      expect(stdout).toContain(account);
    expect(stdout).toContain(`Catalogue: ${BOOKS} books`);
    expect(stdout).toContain(`; ${BOOKS} listed by this run.`);

    const walkThrough = walkThroughIn(stdout);
    expect(walkThrough.split('\n')[0]).toBe(`BASE=${base}`);
    expect(sameApartFromAddress(walkThrough)).toBe(sameApartFromAddress(readmeWalkThrough()));

    const sellerBefore = await sellerBalance(base);
    const amount = checkAnswers(await runWalkThrough(walkThrough), sellerBefore);
    expect(amount).toBe(4500);
    await stop(demo, dataDir);
  }, 180_000);

  it('runs again on the same data: nothing listed twice, the buyer topped up, the walk-through works again', async () => {
    const demo = startDemo(dataDir, await freePort());
    demos.push(demo);
    const stdout = await printed(demo);
    const base = `http://127.0.0.1:${demo.port}`;
    expect(stdout).toContain(`; 0 listed by this run.`);

    const sellerBefore = await sellerBalance(base);
    const answers = await runWalkThrough(walkThroughIn(stdout));
    expect(answers[4]?.balance).toBe(1_000_000);
    checkAnswers(answers, sellerBefore);
    await stop(demo, dataDir);
  }, 180_000);

  it('serves the demo on Deno too (npm run demo:deno)', async () => {
    const denoDir = join(dataDir, 'deno');
    const demo = startDemo(denoDir, await freePort(), 'deno');
    demos.push(demo);
    const stdout = await printed(demo);
    const base = `http://127.0.0.1:${demo.port}`;
    const sellerBefore = await sellerBalance(base);
    checkAnswers(await runWalkThrough(walkThroughIn(stdout)), sellerBefore);
    await stop(demo, denoDir);
  }, 180_000);
});
