/**
 * About the service: Prometheus metrics, the OpenAPI document generated from the request schemas,
 * and the docs page.
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
      /bookstore_http_requests_total\{method="POST",route="\/auth\/register",status="200"\} 1/,
    );
    expect(text).toMatch(
      /bookstore_http_requests_total\{method="POST",route="\/auth\/login",status="401"\} 1/,
    );
    expect(text).toMatch(/bookstore_actors_live\{kind="user"\} \d+/);
    expect(text).toContain('bookstore_http_request_duration_seconds_bucket');
  });

  it('describes every endpoint with the schema that validates it and its codes in order', async () => {
    const doc = (await (await h.app.request('/openapi.json')).json()) as {
      paths: Record<
        string,
        {
          post: {
            requestBody?: { content: Record<string, { schema: { required?: string[] } }> };
            'x-codes-in-order'?: number[];
          };
        }
      >;
    };
    const newOrder = doc.paths['/buyer/new_order']?.post;
    expect(newOrder?.requestBody?.content['application/json']?.schema.required).toEqual([
      'user_id',
      'store_id',
      'books',
    ]);
    expect(newOrder?.['x-codes-in-order']).toEqual([530, 511, 401, 513, 515, 517, 200]);
    expect(Object.keys(doc.paths)).toContain('/search/search_books');
    const page = await h.app.request('/docs');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('/openapi.json');
  });
});
