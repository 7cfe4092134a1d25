/**
 * `npm run worker`: the order workers as their own process, for scaling out: the same follow-ups
 * that run inside the server by default.
 */
import { runWorkerProcess } from './run.ts';

try {
  await runWorkerProcess(process.env);
} catch (error) {
  process.stderr.write(`bookstore worker: ${(error as Error).message}\n`);
  process.exit(1);
}
