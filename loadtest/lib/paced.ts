/**
 * An open-loop load at a fixed rate: request i is due at start + i / rate, sent then whether or not
 * earlier ones have been answered (over a pool of keep-alive connections), and its latency is
 * measured from when it was due, so a server (or a client) falling behind shows in the figures
 * instead of slowing the load down (no coordinated omission). autocannon's `overallRate` releases
 * each second's budget at once, which measures its bursts more than the server.
 */
import http from 'node:http';
import type * as api from '../scenarios/api.ts';
import { type Summary, summarize } from './stats.ts';

export interface PacedResult {
  rate: number;
  seconds: number;
  sent: number;
  answered: number;
  /** answers by HTTP status */
  statuses: Record<number, number>;
  /** socket errors and timeouts */
  errors: number;
  /** ms from due to answered, answered requests only */
  latency: Summary;
}

export interface PacedOptions {
  base: string;
  rate: number;
  seconds: number;
  /** the request to send as number i */
  request: (i: number) => api.ApiRequest;
  /** connections in the pool (requests beyond wait for one, their wait counted) */
  connections?: number;
  /** per request, from due */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function paced(o: PacedOptions): Promise<PacedResult> {
  const url = new URL(o.base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections ?? 64 });
  const timeoutMs = o.timeoutMs ?? 10_000;
  const total = Math.round(o.rate * o.seconds);
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const start = performance.now() + 10;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / o.rate;
    const wait = due - performance.now();
    if (wait >= 1) await sleep(wait);
    const req = o.request(i);
    inFlight.push(
      new Promise<void>((resolve) => {
        let settled = false;
        const done = (ok: boolean, status?: number) => {
          if (settled) return;
          settled = true;
          if (ok && status !== undefined) {
            latencies.push(performance.now() - due);
            statuses[status] = (statuses[status] ?? 0) + 1;
          } else errors++;
          resolve();
        };
        const sent = http.request(
          {
            agent,
            hostname: url.hostname,
            port: url.port,
            path: req.path,
            method: req.method,
            headers: req.headers,
            timeout: timeoutMs,
          },
          (res) => {
            res.resume();
            res.on('end', () => done(true, res.statusCode ?? 0));
            res.on('error', () => done(false));
          },
        );
        sent.on('timeout', () => sent.destroy(new Error('timeout')));
        sent.on('error', () => done(false));
        sent.end(req.body);
      }),
    );
  }
  await Promise.all(inFlight);
  agent.destroy();
  return {
    rate: o.rate,
    seconds: o.seconds,
    sent: total,
    answered: latencies.length,
    statuses,
    errors,
    latency: summarize(latencies),
  };
}
