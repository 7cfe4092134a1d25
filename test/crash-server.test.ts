/**
 * Crash recovery (DESIGN.md §4, §5), the server: every cross-slot step is backed by a BullMQ job and
 * reconcile() is idempotent, so a server (workers inline) SIGKILLed at random moments under a
 * concurrent load converges after its restarts with no human action: the invariants of
 * src/domain/invariants.ts hold exactly and no order is stuck. Its own redis-server child, with a 3 s
 * payment deadline.
 */
import { afterAll, afterEach, describe, it } from 'vitest';
import { converge, expectConverged, watchQueue } from './support/crash-check.ts';
import { cleanUp, connect, crashScene, sleep } from './support/crash-env.ts';
import { setupWorld, startLoad } from './support/crash-load.ts';

afterEach(cleanUp);
afterAll(cleanUp);

describe('crash recovery: server', () => {
  it('converges after the server is SIGKILLed at random moments under a concurrent load', {
    timeout: 120_000,
  }, async () => {
    const { seed, random, redis, keys, server, client: c } = await crashScene(0, 'inline');
    const watch = watchQueue(redis, keys);
    const world = await setupWorld(c);
    const started = Date.now();

    const load = startLoad(c, world, random, 12);
    for (let i = 1; i <= 5; i++) {
      await sleep(500 + random() * 1000);
      load.mark(`server kill ${i}`);
      await server.killAndRestart(random);
      load.mark(`server ${i} up`);
    }
    await sleep(1000); // the load works on the last server too
    await load.stop();
    const loadMs = Date.now() - started;

    const check = connect(redis);
    const { report, waitedMs } = await converge(check, keys);
    const jobs = await watch.counts();
    console.log(
      `[crash server] seed ${seed}: 5 server kills survived; load ${loadMs} ms, converged check after ${waitedMs} ms; ` +
        `${report.orders} orders; stalled jobs recovered ${watch.stalled().size}; jobs ${JSON.stringify(jobs)}\n  ${load.summary()}\n  events: ${load.events()}`,
    );
    await expectConverged(check, keys, watch.queue, { report, load, seed });
  });
});
