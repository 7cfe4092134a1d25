/**
 * `npm run check`: reads the store of record (REDIS_URL, REDIS_CLUSTER_NODES or the embedded Redis
 * under DATA_DIR, under KEY_PREFIX) and reports the money and stock invariants of DESIGN.md §5 and
 * any order stuck in a state it should have left or stock held for an order that was never created.
 * Exits 1 on any drift.
 *   --grace-seconds N   how long past its deadline an unpaid order (or a reservation with no order)
 *                       may wait for the worker (default 60)
 */
import { loadConfig } from '../src/config.ts';
import { checkInvariants } from '../src/domain/invariants.ts';
import { defineScripts } from '../src/lua/load.ts';
import { connectRedis } from '../src/redis/connect.ts';
import { keySpace } from '../src/redis/keys.ts';

const graceFlag = process.argv.indexOf('--grace-seconds');
const graceSeconds = graceFlag > 0 ? Number(process.argv[graceFlag + 1]) : 60;
if (!Number.isFinite(graceSeconds) || graceSeconds < 0) {
  process.stderr.write('usage: npm run check -- [--grace-seconds N]\n');
  process.exit(2);
}

const config = loadConfig(process.env);
const redis = await connectRedis(config, () => {}, defineScripts);
try {
  const report = await checkInvariants(
    redis.client,
    keySpace(config.KEY_PREFIX),
    Date.now(),
    graceSeconds * 1000,
    config.ORDER_TIMEOUT_SECONDS * 1000,
  );
  const { balances, escrow, deposited, pendingPayouts } = report.money;
  process.stdout.write(
    [
      `store of record: ${redis.describe}, prefix ${config.KEY_PREFIX}`,
      `users ${report.users}, stores ${report.stores}, orders ${report.orders}`,
      `money: balances ${balances} + escrow ${escrow} + pending payouts ${pendingPayouts} vs deposited ${deposited}`,
      ...report.problems.map((p) => `DRIFT: ${p}`),
      report.problems.length ? `${report.problems.length} problem(s)` : 'all invariants hold',
      '',
    ].join('\n'),
  );
  process.exitCode = report.problems.length ? 1 : 0;
} finally {
  await redis.close();
}
