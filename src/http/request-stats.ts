/**
 * The two per-request metrics (requests by method, route and status; latency by method and route),
 * kept in plain maps and rendered in Prometheus's text format at scrape time. prom-client validates
 * and hashes the labels on every observation, even through a child made by `labels()`; at tens of
 * thousands of requests a second that cost more than the request itself (bench:http).
 */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const REQUESTS = 'bookstore_http_requests_total';
const DURATION = 'bookstore_http_request_duration_seconds';

interface Timing {
  labels: string;
  count: number;
  sum: number;
  /** observations per bucket (not cumulative), the last one past every bound */
  buckets: Float64Array;
}

const labelValue = (value: string) => value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));

export class RequestStats {
  private readonly counts = new Map<string, { labels: string; count: number }>();
  private readonly timings = new Map<string, Timing>();

  record(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route}`;
    let timing = this.timings.get(key);
    if (!timing) {
      const labels = `method="${labelValue(method)}",route="${labelValue(route)}"`;
      timing = { labels, count: 0, sum: 0, buckets: new Float64Array(BUCKETS.length + 1) };
      this.timings.set(key, timing);
    }
    timing.count++;
    timing.sum += seconds;
    let bucket = 0;
    while (bucket < BUCKETS.length && seconds > (BUCKETS[bucket] ?? 0)) bucket++;
    timing.buckets[bucket] = (timing.buckets[bucket] ?? 0) + 1;
    const countKey = `${key} ${status}`;
    const counted = this.counts.get(countKey);
    if (counted) counted.count++;
    else this.counts.set(countKey, { labels: `${timing.labels},status="${status}"`, count: 1 });
  }

  /** Both metrics in Prometheus's text exposition format. */
  render(): string {
    const lines = [
      `# HELP ${REQUESTS} HTTP requests by method, route and status`,
      `# TYPE ${REQUESTS} counter`,
      ...[...this.counts.values()].map((c) => `${REQUESTS}{${c.labels}} ${c.count}`),
      `# HELP ${DURATION} HTTP request latency by method and route`,
      `# TYPE ${DURATION} histogram`,
    ];
    for (const t of this.timings.values()) {
      let cumulative = 0;
      BUCKETS.forEach((bound, i) => {
        cumulative += t.buckets[i] ?? 0;
        lines.push(`${DURATION}_bucket{le="${bound}",${t.labels}} ${cumulative}`);
      });
      lines.push(`${DURATION}_bucket{le="+Inf",${t.labels}} ${t.count}`);
      lines.push(`${DURATION}_sum{${t.labels}} ${t.sum}`, `${DURATION}_count{${t.labels}} ${t.count}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
