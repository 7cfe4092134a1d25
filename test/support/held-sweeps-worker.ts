/**
 * A test-side entry of the order worker process (workers/run.ts, as `npm run worker` starts it) that
 * holds sweep jobs until the test releases them (test/support/hold-sweeps.ts).
 */
import { runWorkerProcess } from '../../workers/run.ts';
import { holdSweeps } from './hold-sweeps.ts';

await runWorkerProcess(process.env, { beforeJob: holdSweeps() });
