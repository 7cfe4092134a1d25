/**
 * autocannon runs (closed loop) as phases: bounded by a duration, or by a request count plus a time
 * limit, and stoppable from a request's own set-up (a pool of work that ran out).
 */
import autocannon from 'autocannon';
import type * as api from '../scenarios/api.ts';
import type { Phase } from './phase.ts';
import { type CpuPids, withCpu } from './proc.ts';

export const cannonRequest = (req: api.ApiRequest, base: autocannon.Request = {}): autocannon.Request => ({
  ...base,
  method: req.method,
  path: req.path,
  headers: req.headers,
  body: req.body,
});

/** Lets a request's set-up stop its run, even one that autocannon has not handed back yet. */
export class Stopper {
  requested = false;
  private instance: { stop(): void } | undefined;
  stop() {
    this.requested = true;
    this.instance?.stop();
  }
  attach(instance: { stop(): void }) {
    this.instance = instance;
    if (this.requested) instance.stop();
  }
}

export interface RunOptions {
  /** stops a run bounded by `amount` after this long */
  limitSeconds?: number;
  stopper?: Stopper;
  /** measure the CPU of these processes */
  pids?: CpuPids;
}

function toPhase(name: string, r: autocannon.Result): Phase {
  const statuses = Object.fromEntries(
    Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, s.count ?? 0]),
  );
  return {
    name,
    seconds: r.duration,
    sent: r.requests.sent,
    answered: r.requests.total,
    statuses,
    errors: r.errors,
    timeouts: r.timeouts,
    latency: { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max },
  };
}

export function runCannon(name: string, options: autocannon.Options, o: RunOptions = {}): Promise<Phase> {
  const run = () =>
    new Promise<Phase>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const instance = autocannon(options, (error, result) => {
        if (timer) clearTimeout(timer);
        if (error) reject(error);
        else resolve(toPhase(name, result));
      });
      o.stopper?.attach(instance);
      if (o.limitSeconds !== undefined) timer = setTimeout(() => instance.stop(), o.limitSeconds * 1000);
    });
  return withCpu(o.pids, run);
}
