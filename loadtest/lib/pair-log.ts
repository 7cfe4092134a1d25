/**
 * The client's record of checkout pairs, whichever driver sent them: per request kind (new_order,
 * pay) what was sent and answered, by status, with each answer's latency; the pairs that succeeded
 * (both answered 200 with code 200) with their latency; each of them second by second too (for the
 * report's charts); on request the ids of the orders created and paid, for the cross-check after the
 * load. And its rows in the results table.
 */
import type { Phase } from './phase.ts';
import type { CpuShare } from './proc.ts';
import { summarize } from './stats.ts';
import { Timeline } from './timeline.ts';

export interface KindLog {
  sent: number;
  answered: number;
  /** 200 with code 200 */
  ok: number;
  statuses: Record<string, number>;
  /** ms, one per answer */
  latencies: number[];
  timeline: Timeline;
}

export interface PairLog {
  newOrder: KindLog;
  pay: KindLog;
  /** pairs whose two requests succeeded */
  pairs: number;
  pairLatencies: number[];
  /** pairs that succeeded, and the driver's socket errors */
  pairTimeline: Timeline;
  /** order ids answered 200 by new_order, and by pay (when asked to keep them) */
  created?: string[];
  paid?: string[];
}

const kindLog = (timeline = new Timeline()): KindLog => ({
  sent: 0,
  answered: 0,
  ok: 0,
  statuses: {},
  latencies: [],
  timeline,
});

export const newPairLog = (keepIds = false): PairLog => ({
  newOrder: kindLog(),
  pay: kindLog(),
  pairs: 0,
  pairLatencies: [],
  pairTimeline: new Timeline(),
  ...(keepIds ? { created: [], paid: [] } : {}),
});

const timelines = (log: PairLog) => [log.newOrder.timeline, log.pay.timeline, log.pairTimeline];

/** The driver starts its phase: the clock of the log's timelines. */
export function startLog(log: PairLog, at = performance.now()): void {
  for (const t of timelines(log)) t.start(at);
}

/** The driver's phase is over (answers still in flight count in the second they arrive in). */
export function stopLog(log: PairLog, at = performance.now()): void {
  for (const t of timelines(log)) t.stop(at);
}

/** A 200 whose body is not a success (no `code` 200, no order_id): a non-2xx as far as problems go. */
export const NOT_OK_200 = 'not-ok-200';

export function recordAnswer(
  kind: KindLog,
  status: number,
  ms: number,
  ok: boolean,
  now = performance.now(),
): void {
  kind.answered++;
  const key = status === 200 && !ok ? NOT_OK_200 : String(status);
  kind.statuses[key] = (kind.statuses[key] ?? 0) + 1;
  kind.latencies.push(ms);
  kind.timeline.answer(ok, ms, now);
  if (ok) kind.ok++;
}

/** A pair whose two requests succeeded, `ms` from its start to the pay's answer. */
export function recordPair(log: PairLog, ms: number, orderId: string | undefined, now = performance.now()) {
  log.pairs++;
  log.pairLatencies.push(ms);
  log.pairTimeline.answer(true, ms, now);
  if (orderId) log.paid?.push(orderId);
}

function mergeKinds(kinds: KindLog[]): KindLog {
  const merged = kindLog(Timeline.concat(kinds.map((k) => k.timeline)));
  for (const k of kinds) {
    merged.sent += k.sent;
    merged.answered += k.answered;
    merged.ok += k.ok;
    for (const [code, n] of Object.entries(k.statuses))
      merged.statuses[code] = (merged.statuses[code] ?? 0) + n;
    for (const ms of k.latencies) merged.latencies.push(ms);
  }
  return merged;
}

/** Logs of one phase's rounds as one (their timelines end to end). */
export function mergeLogs(logs: readonly PairLog[]): PairLog {
  return {
    newOrder: mergeKinds(logs.map((l) => l.newOrder)),
    pay: mergeKinds(logs.map((l) => l.pay)),
    pairs: logs.reduce((sum, l) => sum + l.pairs, 0),
    pairLatencies: logs.flatMap((l) => l.pairLatencies),
    pairTimeline: Timeline.concat(logs.map((l) => l.pairTimeline)),
  };
}

const latency = (values: readonly number[]) => {
  const s = summarize(values);
  return { p50: s.p50, p90: s.p90, p99: s.p99, max: s.max };
};

/** Run-level facts of the driver: socket errors and timeouts, CPU shares. */
export interface RunFacts {
  seconds: number;
  errors: number;
  timeouts: number;
  cpu?: CpuShare;
}

/** Rows `<label> new_order`, `<label> pay` and `<label> pair` (whole pairs; the socket errors). */
export function pairPhases(label: string, log: PairLog, run: RunFacts): Phase[] {
  const row = (name: string, k: KindLog): Phase => ({
    name: `${label} ${name}`,
    seconds: run.seconds,
    sent: k.sent,
    answered: k.answered,
    statuses: k.statuses,
    errors: 0,
    timeouts: 0,
    latency: latency(k.latencies),
    cpu: run.cpu,
    samples: k.timeline.samples(),
  });
  const pair: Phase = {
    name: `${label} pair`,
    seconds: run.seconds,
    sent: log.pairs,
    answered: log.pairs,
    statuses: { 200: log.pairs },
    errors: run.errors,
    timeouts: run.timeouts,
    latency: latency(log.pairLatencies),
    cpu: run.cpu,
    samples: log.pairTimeline.samples(),
  };
  return [row('new_order', log.newOrder), row('pay', log.pay), pair];
}
