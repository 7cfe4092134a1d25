/**
 * An open-loop load: `count` requests evenly over `seconds`, request i due at start + i x seconds /
 * count and sent then whether or not earlier ones have been answered (over a pool of keep-alive
 * connections). Its latency counts from when it was due, so a server (or a client) falling behind
 * shows in the figures instead of slowing the load down (no coordinated omission). autocannon's
 * `overallRate` releases each second's budget at once, which measures its bursts more than the server.
 * Each answer also lands in the second it arrived in (lib/timeline.ts), for the report's charts.
 */
import http from 'node:http';
import type * as api from '../scenarios/api.ts';
import { sleep } from './common.ts';
import type { Phase } from './phase.ts';
import { type CpuPids, withCpu } from './proc.ts';
import { summarize } from './stats.ts';
import { Timeline } from './timeline.ts';

export interface PacedOptions {
  name: string;
  base: string;
  count: number;
  /** 0: all at once */
  seconds: number;
  /** the request to send as number i */
  request: (i: number) => api.ApiRequest;
  /** sees every answer (its body is read only when this is given) */
  onAnswer?: (i: number, status: number, body: string) => void;
  /** connections in the pool (requests beyond wait for one, their wait counted) */
  connections?: number;
  pids?: CpuPids;
}

/** Sends one request; resolves with its status and body, or with an error. */
function sendOne(agent: http.Agent, url: URL, req: api.ApiRequest, readBody: boolean) {
  return new Promise<{ status: number; body: string } | Error>((resolve) => {
    const sent = http.request(
      {
        agent,
        hostname: url.hostname,
        port: url.port,
        path: req.path,
        method: req.method,
        headers: req.headers,
      },
      (res) => {
        let body = '';
        if (readBody) res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        else res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', resolve);
      },
    );
    sent.setTimeout(10_000, () => sent.destroy(new Error('timeout')));
    sent.on('error', resolve);
    sent.end(req.body);
  });
}

async function run(o: PacedOptions): Promise<Phase> {
  const url = new URL(o.base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections ?? 64 });
  const p: Phase = {
    name: o.name,
    seconds: o.seconds,
    sent: 0,
    answered: 0,
    statuses: {},
    errors: 0,
    timeouts: 0,
    latency: { p50: 0, p90: 0, p99: 0, max: 0 },
    samples: [],
  };
  const latencies: number[] = [];
  const inFlight: Promise<void>[] = [];
  const start = performance.now() + 10;
  const timeline = new Timeline().start(start);
  for (let i = 0; i < o.count; i++) {
    const due = start + (i * 1000 * o.seconds) / o.count;
    const wait = due - performance.now();
    if (wait >= 1) await sleep(wait);
    p.sent++;
    const answer = sendOne(agent, url, o.request(i), o.onAnswer !== undefined).then((a) => {
      if (a instanceof Error) {
        p.errors++;
        if (a.message === 'timeout') p.timeouts++;
        timeline.error();
        return;
      }
      const ms = performance.now() - due;
      latencies.push(ms);
      timeline.answer(a.status >= 200 && a.status < 300, ms);
      p.statuses[a.status] = (p.statuses[a.status] ?? 0) + 1;
      o.onAnswer?.(i, a.status, a.body);
    });
    inFlight.push(answer);
  }
  timeline.stop(start + o.seconds * 1000);
  await Promise.all(inFlight);
  agent.destroy();
  const s = summarize(latencies);
  const latency = { p50: s.p50, p90: s.p90, p99: s.p99, max: s.max };
  return { ...p, answered: latencies.length, latency, samples: timeline.samples() };
}

export const paced = (o: PacedOptions): Promise<Phase> => withCpu(o.pids, () => run(o));
