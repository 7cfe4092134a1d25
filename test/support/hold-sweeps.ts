/**
 * A `beforeJob` hook for the order worker (src/jobs/order-worker.ts) that holds every sweep job of
 * one shard (HOLD_SWEEP_SHARD) until the file HOLD_RELEASE_FILE exists, so a SIGTERM is sure to find
 * order jobs running. It writes `held <job id>` on stdout for each job it holds; without the file
 * the jobs never end. Used by test/support/held-server.ts and test/support/held-sweeps-worker.ts.
 */
import { existsSync } from 'node:fs';
import type { Job } from 'bullmq';

export function holdSweeps(env: Record<string, string | undefined> = process.env) {
  const shard = Number(env.HOLD_SWEEP_SHARD);
  const release = env.HOLD_RELEASE_FILE ?? '';
  return async (job: Job) => {
    if (job.name !== 'sweep' || (job.data as { shard?: number }).shard !== shard) return;
    process.stdout.write(`held ${job.id}\n`);
    while (!existsSync(release)) await new Promise((resolve) => setTimeout(resolve, 20));
  };
}
