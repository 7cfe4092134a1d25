/**
 * Order-path benchmark: `npm run bench:orders`. By default the checkout workload (buyers placing an
 * order and paying it, closed loop, open loop at half the peak, Redis work per pair, memory per paid
 * order; against a base revision with BENCH_BASE): lib/checkout-bench.ts. BENCH_MODE=classic runs
 * the earlier healthz / new_order / pay phases instead: lib/classic-orders.ts. loadtest/README.md
 * explains every figure and setting.
 */
const mode = process.env.BENCH_MODE || 'checkout';
if (mode === 'classic') await (await import('./lib/classic-orders.ts')).runClassic();
else if (mode === 'checkout') await (await import('./lib/checkout-bench.ts')).runCheckout();
else {
  process.stdout.write(`bench:orders: BENCH_MODE must be checkout or classic, got ${mode}\n`);
  process.exitCode = 2;
}
