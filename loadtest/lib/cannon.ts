/**
 * autocannon runs (closed loop) as phases: bounded by a duration, or by a request count plus a time
 * limit, and stoppable from a request's own set-up (a pool of work that ran out). Each answer and
 * socket error also goes second by second into the phase's timeline (autocannon's `response` and
 * `reqError` events), latencies of 2xx answers only, as autocannon's own histogram has them.
 */
import autocannon from 'autocannon';
import type * as api from '../scenarios/api.ts';
import type { Phase } from './phase.ts';
import { type CpuPids, withCpu } from './proc.ts';
import { Timeline } from './timeline.ts';

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
  /** also sees each socket error and timeout (the checkout's closed loop times its answers itself) */
  onError?: () => void;
}

function toPhase(name: string, r: autocannon.Result, timeline: Timeline): Phase {
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
    latency: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    samples: timeline.samples(),
  };
}

/** Feeds the run's answers and errors into a timeline started now. */
function follow(instance: autocannon.Instance, o: RunOptions): Timeline {
  const timeline = new Timeline();
  instance.on('response', (_client, status, _bytes, ms) => {
    const ok = status >= 200 && status < 300;
    timeline.answer(ok, ok ? ms : undefined);
  });
  instance.on('reqError', () => {
    timeline.error();
    o.onError?.();
  });
  return timeline;
}

export function runCannon(name: string, options: autocannon.Options, o: RunOptions = {}): Promise<Phase> {
  const run = () =>
    new Promise<Phase>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const instance = autocannon(options, (error, result) => {
        if (timer) clearTimeout(timer);
        if (error) reject(error);
        else resolve(toPhase(name, result, timeline.stopAfter(result.duration)));
      });
      const timeline = follow(instance, o);
      o.stopper?.attach(instance);
      if (o.limitSeconds !== undefined) timer = setTimeout(() => instance.stop(), o.limitSeconds * 1000);
    });
  return withCpu(o.pids, run);
}
