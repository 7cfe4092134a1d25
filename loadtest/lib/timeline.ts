/**
 * A phase over time, as the drivers see it: every answer (its latency) and socket error lands in the
 * second of the phase it arrived in, and each second becomes a sample of answers per second and
 * latency percentiles (the reports' charts over time). Rounds of one phase run at different times
 * join end to end (`Timeline.concat`).
 */
import { summarize } from './stats.ts';

/** One second of a phase (the last one may be shorter, or take in a short tail after it). */
export interface Sample {
  /** seconds from the phase's start to this sample's */
  t: number;
  /** how long this sample covers, s */
  seconds: number;
  /** answers per second, non-2xx included */
  rps: number;
  /** latency percentiles of the sample's answers, ms; null when none was answered */
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  non2xx: number;
  errors: number;
}

interface Bucket {
  seconds: number;
  answered: number;
  non2xx: number;
  errors: number;
  latencies: number[];
}

/** A last second shorter than this joins the one before it (a few answers in a sliver of a second
 * would read as a spike of answers per second). */
const SHORTEST_TAIL = 0.25;

const bucket = (seconds = 1): Bucket => ({ seconds, answered: 0, non2xx: 0, errors: 0, latencies: [] });

const orNull = (n: number) => (Number.isFinite(n) ? n : null);

export class Timeline {
  private origin = performance.now();
  private end: number | undefined;
  private last = 0;
  private live: Bucket[] = [];
  private joined: Bucket[] | undefined;

  /** Starts the phase's clock (by default the timeline starts when it is made). */
  start(at = performance.now()): this {
    this.origin = at;
    return this;
  }

  private at(now: number): Bucket {
    const offset = Math.max(0, now - this.origin);
    this.last = Math.max(this.last, offset);
    const i = Math.floor(offset / 1000);
    while (this.live.length <= i) this.live.push(bucket());
    return this.live[i] as Bucket;
  }

  /** An answer: a 2xx (`ok`) or one that counts as non-2xx; its latency in ms unless it is not timed. */
  answer(ok: boolean, latencyMs: number | undefined, now = performance.now()): void {
    const b = this.at(now);
    b.answered++;
    if (latencyMs !== undefined) b.latencies.push(latencyMs);
    if (!ok) b.non2xx++;
  }

  /** A socket error or timeout. */
  error(now = performance.now()): void {
    this.at(now).errors++;
  }

  /** Ends the phase (answers arriving later still count, in the second they arrive in). */
  stop(now = performance.now()): this {
    this.end = now - this.origin;
    return this;
  }

  /** Ends the phase `seconds` after its start, as the driver measured it. */
  stopAfter(seconds: number): this {
    return this.stop(this.origin + seconds * 1000);
  }

  /** The seconds of the phase with their lengths: the last one as long as it lasted, or folded. */
  private buckets(): Bucket[] {
    if (this.joined) return this.joined;
    const spanMs = Math.max(this.end ?? 0, this.last);
    const count = Math.max(1, Math.ceil(spanMs / 1000), this.live.length);
    const out = Array.from({ length: count }, (_, i) => ({
      ...(this.live[i] ?? bucket()),
      seconds: Math.min(1, Math.max(0, spanMs / 1000 - i)),
    }));
    const tail = out[out.length - 1] as Bucket;
    const before = out[out.length - 2];
    if (before && tail.seconds < SHORTEST_TAIL) {
      out.pop();
      before.seconds += tail.seconds;
      before.answered += tail.answered;
      before.non2xx += tail.non2xx;
      before.errors += tail.errors;
      before.latencies = [...before.latencies, ...tail.latencies];
    }
    return out.filter((b) => b.seconds > 0);
  }

  samples(): Sample[] {
    let t = 0;
    return this.buckets().map((b) => {
      const s = summarize(b.latencies);
      const sample = {
        t,
        seconds: b.seconds,
        rps: b.answered / b.seconds,
        p50: orNull(s.p50),
        p90: orNull(s.p90),
        p99: orNull(s.p99),
        max: orNull(s.max),
        non2xx: b.non2xx,
        errors: b.errors,
      };
      t += b.seconds;
      return sample;
    });
  }

  /** Timelines of one phase's rounds (each stopped), end to end. */
  static concat(parts: readonly Timeline[]): Timeline {
    const joined = new Timeline();
    joined.joined = parts.flatMap((p) => p.buckets());
    return joined;
  }
}
