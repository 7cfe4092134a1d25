/**
 * Crash recovery (DESIGN.md §4, §5), the worker process: with WORKERS=off on the server, the order
 * workers run as their own process, and a worker SIGKILLed while it runs jobs leaves them active
 * with a lock nobody renews. The next worker must find them stalled and run them, so the store
 * converges: the invariants of src/domain/invariants.ts hold exactly and no order is stuck.
 *
 * The kills are arranged, not timed: each killed worker is test/support/held-worker.ts, which holds
 * every job it takes until it dies, and is killed only once it holds a sweep job scheduled after a
 * burst's deadline (a burst of unpaid orders that no client touches, so nothing but a sweep can end
 * them). Those jobs are sure to be in flight at the kill and to be recovered as stalled. The last
 * worker is the production entry (workers/index.ts) and runs everything left. Its own redis-server
 * child, with a 3 s payment deadline.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { sweepSchedulerId } from '../src/jobs/catalog.ts';
import { converge, expectConverged, watchQueue } from './support/crash-check.ts';
import {
  type CrashServer,
  cleanUp,
  connect,
  crashScene,
  sleep,
  TIMEOUT_SECONDS,
  workerProcess,
} from './support/crash-env.ts';
import { type Load, type Order, setupWorld, startLoad } from './support/crash-load.ts';

afterEach(cleanUp);
afterAll(cleanUp);

const WORKER_KILLS = 4;

type Worker = Awaited<ReturnType<typeof workerProcess>>;

/** The time a sweep job was scheduled for, from its id (`repeat:<scheduler id>:<ms>`); NaN for others. */
function sweepTime(jobId: string): number {
  const prefix = `repeat:${sweepSchedulerId(0).replace(/\d+$/, '')}`;
  return jobId.startsWith(prefix) ? Number(jobId.slice(jobId.lastIndexOf(':') + 1)) : Number.NaN;
}

/** The sweep jobs the worker holds that were scheduled at or after `dueAt`. */
const sweepsHeldAfter = (worker: Worker, dueAt: number) =>
  worker.heldJobs().filter((id) => sweepTime(id) >= dueAt);

/** Resolves with the sweeps after `dueAt` the worker holds, once it holds any; throws after `ms`. */
async function holdingSweepsAfter(worker: Worker, dueAt: number, ms: number): Promise<string[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const held = sweepsHeldAfter(worker, dueAt);
    if (held.length > 0) return held;
    if (Date.now() > deadline)
      throw new Error(
        `the held worker took no sweep after the burst's deadline within ${ms} ms:\n${worker.output()}`,
      );
    await sleep(50);
  }
}

/**
 * The kills: a burst of unpaid orders whose deadlines all come together, 3 s later; the held worker
 * is killed once it holds a sweep due after them, and while it is down a new burst is placed (and
 * every other time the server is killed too). Held workers until the last kill; then the production
 * entry, which runs every job. Returns the sweeps held at each kill, and the last worker.
 */
async function killHeldWorkers(
  first: Worker,
  run: { env: Record<string, string | undefined>; server: CrashServer; load: Load; random: () => number },
): Promise<{ heldAtKill: string[][]; worker: Worker }> {
  const { env, server, load, random } = run;
  // The latest deadline of the latest burst (every order of it was placed before this was taken).
  let dueAt = 0;
  const addBurst = (_orders: Order[]) => {
    dueAt = Date.now() + TIMEOUT_SECONDS * 1000;
  };
  const heldAtKill: string[][] = [];
  let worker = first;
  addBurst(await load.burst(50));
  for (let i = 1; i <= WORKER_KILLS; i++) {
    await holdingSweepsAfter(worker, dueAt, 30_000 + TIMEOUT_SECONDS * 1000);
    await sleep(random() * 200);
    heldAtKill.push(sweepsHeldAfter(worker, dueAt));
    load.mark(`worker kill ${i}`);
    await worker.kill('SIGKILL');
    if (i % 2 === 1) load.mark(`server kill ${(i + 1) / 2}`);
    [worker] = await Promise.all([
      sleep(random() * 300).then(() => workerProcess(env, i < WORKER_KILLS)),
      i % 2 === 1 ? server.killAndRestart(random) : undefined,
      load.burst(50).then(addBurst),
    ]);
    load.mark(`worker ${i} up`);
  }
  return { heldAtKill, worker };
}

/** Polls `done` until it is true or `ms` passed (for events already written, still being read). */
async function eventually(done: () => boolean, ms: number) {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await sleep(100);
}

describe('crash recovery: worker process', () => {
  it('converges when a separate worker process (WORKERS=off on the server) is SIGKILLed while expiries are due', {
    timeout: 180_000,
  }, async () => {
    const { seed, random, redis, keys, env, server, client: c } = await crashScene(1, 'off');
    const watch = watchQueue(redis, keys);
    const first = await workerProcess(env, true);
    const world = await setupWorld(c);
    const started = Date.now();

    const load = startLoad(c, world, random, 6);
    const { heldAtKill, worker } = await killHeldWorkers(first, { env, server, load, random });
    await load.stop();
    const loadMs = Date.now() - started;

    const check = connect(redis);
    const { report, waitedMs } = await converge(check, keys);
    const jobs = await watch.counts();
    const killed = heldAtKill.flat();
    // The stalled events were written before the jobs could run; the reader may still be behind.
    await eventually(() => killed.every((id) => watch.stalled().has(id)), 10_000);
    const notRecovered = killed.filter((id) => !watch.stalled().has(id));
    console.log(
      `[crash worker] seed ${seed}: ${WORKER_KILLS} worker kills (sweeps after a burst's deadline held at each: ${heldAtKill.map((h) => h.length).join(', ')}) and ` +
        `${WORKER_KILLS / 2} server kills survived; load ${loadMs} ms, converged check after ${waitedMs} ms; ` +
        `${report.orders} orders; stalled jobs recovered ${watch.stalled().size}; jobs ${JSON.stringify(jobs)}\n  ${load.summary()}\n  events: ${load.events()}`,
    );
    await expectConverged(check, keys, watch.queue, { report, load, seed });
    // Every job a kill interrupted was found stalled and put back to wait by a later worker.
    expect(notRecovered, `of ${killed.length} held at the kills`).toEqual([]);
    await worker.stop();
  });
});
