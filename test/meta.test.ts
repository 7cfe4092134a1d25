/**
 * About the service: Prometheus metrics and the docs page (the OpenAPI document: test/openapi.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser } from './support/client.ts';
import { type Harness, startHarness } from './support/harness.ts';

describe('metrics, OpenAPI and docs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('counts requests by route and status in Prometheus text', async () => {
    await newUser(h.client);
    await h.client.post('/auth/login', { user_id: 'nobody-here', password: 'x', terminal: 't' });
    const response = await h.app.request('/metrics');
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(
      /bookstore_http_requests_total\{method="POST",route="\/auth\/register",status="200"\} 1\n/,
    );
    expect(text).toMatch(
      /bookstore_http_requests_total\{method="POST",route="\/auth\/login",status="401"\} 1\n/,
    );
    // The gauge reads the actor registry; the histogram observed each request it counted.
    const users = [...h.deps.actors.actors.keys()].filter((entity) => entity.startsWith('u:')).length;
    expect(text).toContain(`bookstore_actors_live{kind="user"} ${users}`);
    expect(users).toBeGreaterThan(0);
    expect(text).toMatch(
      /bookstore_http_request_duration_seconds_count\{method="POST",route="\/auth\/register"\} 1\n/,
    );
  });
});
