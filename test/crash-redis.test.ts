/**
 * Crash recovery (DESIGN.md §4, §5), Redis itself: SIGKILLed mid-load and restarted from its AOF
 * (`appendfsync everysec`) while the server keeps running; the server reconnects and serves again,
 * and the store converges: the invariants of src/domain/invariants.ts hold exactly and no order is
 * stuck. Its own redis-server child, with a 3 s payment deadline.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { converge, expectConverged, watchQueue } from './support/crash-check.ts';
import { cleanUp, connect, crashScene, sleep } from './support/crash-env.ts';
import { setupWorld, startLoad } from './support/crash-load.ts';

afterEach(cleanUp);
afterAll(cleanUp);

describe('crash recovery: Redis', () => {
  it('converges after Redis itself is SIGKILLed mid-load and restarted from its AOF', {
    timeout: 90_000,
  }, async () => {
    const { seed, random, redis, keys, server, client: c } = await crashScene(2, 'inline');
    const world = await setupWorld(c);
    const started = Date.now();

    const load = startLoad(c, world, random, 12);
    for (let i = 1; i <= 3; i++) {
      await sleep(800 + random() * 1200);
      load.mark(`redis kill ${i}`);
      await redis.kill('SIGKILL');
      await sleep(200 + random() * 600);
      await redis.restart();
      load.mark(`redis ${i} up`);
    }
    const ordersBefore = load.ok('new_order');
    await sleep(2000); // the server reconnects and serves again
    await load.stop();
    const loadMs = Date.now() - started;
    const ordersAfterRestart = load.ok('new_order') - ordersBefore;

    const check = connect(redis);
    const { report, waitedMs } = await converge(check, keys);
    const watch = watchQueue(redis, keys);
    const jobs = await watch.counts();
    // Not one of the invariants, reported only: with no add_funds of unknown outcome, the net
    // deposits recorded should be exactly those the clients were told about.
    const { acknowledged, unknown } = load.deposits;
    const ledger = unknown
      ? `${unknown} add_funds of unknown outcome`
      : `deposits recorded ${report.money.deposited} vs acknowledged ${acknowledged}`;
    console.log(
      `[crash redis] seed ${seed}: 3 Redis kills survived; load ${loadMs} ms, ${ordersAfterRestart} orders placed ` +
        `after the last restart; converged check after ${waitedMs} ms; ${report.orders} orders; ${ledger}; ` +
        `jobs ${JSON.stringify(jobs)}\n  ${load.summary()}\n  events: ${load.events()}`,
    );
    expect(server.current.child.exitCode, server.current.output()).toBeNull();
    await expectConverged(check, keys, watch.queue, { report, load, seed });
    // The server served again after the last restart.
    expect(ordersAfterRestart).toBeGreaterThan(0);
  });
});
