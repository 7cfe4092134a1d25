/**
 * The per-request metrics kept outside prom-client (src/http/request-stats.ts): Prometheus text with
 * cumulative buckets, counts by status, and label values escaped.
 */
import { describe, expect, it } from 'vitest';
import { RequestStats } from '../src/http/request-stats.ts';

describe('request stats', () => {
  it('renders cumulative buckets, the sum and the count of each route', () => {
    const stats = new RequestStats();
    stats.record('POST', '/buyer/new_order', 200, 0.0005);
    stats.record('POST', '/buyer/new_order', 200, 0.003);
    stats.record('POST', '/buyer/new_order', 517, 7);
    const text = stats.render();
    const labels = 'method="POST",route="/buyer/new_order"';
    expect(text).toContain(`bookstore_http_request_duration_seconds_bucket{le="0.001",${labels}} 1\n`);
    expect(text).toContain(`bookstore_http_request_duration_seconds_bucket{le="0.0025",${labels}} 1\n`);
    expect(text).toContain(`bookstore_http_request_duration_seconds_bucket{le="0.005",${labels}} 2\n`);
    expect(text).toContain(`bookstore_http_request_duration_seconds_bucket{le="2.5",${labels}} 2\n`);
    expect(text).toContain(`bookstore_http_request_duration_seconds_bucket{le="+Inf",${labels}} 3\n`);
    expect(text).toContain(`bookstore_http_request_duration_seconds_sum{${labels}} 7.0035\n`);
    expect(text).toContain(`bookstore_http_request_duration_seconds_count{${labels}} 3\n`);
    expect(text).toContain(`bookstore_http_requests_total{${labels},status="200"} 2\n`);
    expect(text).toContain(`bookstore_http_requests_total{${labels},status="517"} 1\n`);
  });

  it('escapes backslashes, quotes and newlines in label values', () => {
    const stats = new RequestStats();
    stats.record('GET', 'a"b\\c\nd', 404, 0.01);
    expect(stats.render()).toContain(
      'bookstore_http_requests_total{method="GET",route="a\\"b\\\\c\\nd",status="404"} 1\n',
    );
  });
});
