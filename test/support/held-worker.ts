/**
 * A test-side entry of the order worker process (workers/run.ts, as `npm run worker` starts it) that
 * holds every job it takes until the process is killed: a SIGKILL is then sure to land on running
 * jobs, which the next worker must recover as stalled. It writes `held <job id>` on stdout for each
 * job it holds, and takes up to 1,000 at once so no early job keeps a due one waiting.
 */
import { runWorkerProcess } from '../../workers/run.ts';

await runWorkerProcess(process.env, {
  concurrency: 1000,
  beforeJob: (job) => {
    process.stdout.write(`held ${job.id}\n`);
    return new Promise<void>(() => {});
  },
});
