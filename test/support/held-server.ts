/**
 * A test-side entry of the server (src/server.ts under Node, src/server.deno.ts under Deno) whose
 * in-process order worker holds sweep jobs until the test releases them (test/support/hold-sweeps.ts).
 */
import { workerHooks } from '../../src/boot.ts';
import { holdSweeps } from './hold-sweeps.ts';

workerHooks.beforeJob = holdSweeps();

await import('Deno' in globalThis ? '../../src/server.deno.ts' : '../../src/server.ts');
