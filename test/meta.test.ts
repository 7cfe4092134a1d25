/**
 * About the service: Prometheus metrics, the OpenAPI document generated from the request schemas,
 * and the docs page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newStore, newUser, uid } from './support/client.ts';
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

  it('documents the fields that validation requires and the codes in the order they are checked', async () => {
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
    const required = newOrder?.requestBody?.content['application/json']?.schema.required ?? [];
    const codes = newOrder?.['x-codes-in-order'] ?? [];

    // Each request below fails every check from one point on; its answer is the first failing check.
    const seller = await newUser(h.client);
    const buyer = await newUser(h.client);
    const store = await newStore(h.client, seller, [{ id: 'one', price: 1, stock: 1 }]);
    const order = (body: Record<string, unknown>, token: string) =>
      h.client.post('/buyer/new_order', body, { token });
    const body = { user_id: uid('nobody'), store_id: uid('nostore'), books: [{ id: 'nobook', count: 2 }] };
    const steps: [Record<string, unknown>, string][] = [
      [{ ...body, books: [{ id: 'nobook', count: 0 }] }, 'forged'],
      [body, 'forged'],
      [{ ...body, user_id: buyer.user_id }, 'forged'],
      [{ ...body, user_id: buyer.user_id }, buyer.token],
      [{ ...body, user_id: buyer.user_id, store_id: store }, buyer.token],
      [{ user_id: buyer.user_id, store_id: store, books: [{ id: 'one', count: 2 }] }, buyer.token],
      [{ user_id: buyer.user_id, store_id: store, books: [{ id: 'one', count: 1 }] }, buyer.token],
    ];
    const observed: number[] = [];
    for (const [request, token] of steps) observed.push((await order(request, token)).status);
    expect(observed).toEqual(codes);

    // A field is documented as required exactly when a body without it is refused with 530 naming it.
    const full = { user_id: buyer.user_id, store_id: store, books: [{ id: 'one', count: 1 }] };
    for (const field of Object.keys(full)) {
      const { [field as keyof typeof full]: _left, ...rest } = full;
      const reply = await order(rest, buyer.token);
      expect(reply.status === 530 && reply.body.message.includes(field), field).toBe(
        required.includes(field),
      );
    }
    // Every documented path is one the app serves.
    const served = h.app.routes.filter((r) => r.method === 'POST').map((r) => r.path);
    expect(Object.keys(doc.paths).filter((path) => !served.includes(path))).toEqual([]);
  });
});
