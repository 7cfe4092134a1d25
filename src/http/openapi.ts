/**
 * The OpenAPI document (`GET /openapi.json`), generated from the same valibot schemas that validate
 * requests, with each endpoint's result codes in API.md's order; and `GET /docs`, a page that renders
 * it without loading anything from outside.
 */
import { toJsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import { schemas } from './schemas.ts';

type SchemaName = keyof typeof schemas;

/** path, body schema, whether it takes the `token` header, result codes in the order checked */
const endpoints: [string, SchemaName, boolean, number[]][] = [
  ['/auth/register', 'register', false, [530, 512, 200]],
  ['/auth/unregister', 'unregister', false, [530, 401, 200]],
  ['/auth/login', 'login', false, [530, 401, 200]],
  ['/auth/logout', 'logout', true, [401, 200]],
  ['/auth/password', 'changePassword', false, [530, 401, 200]],
  ['/seller/create_store', 'createStore', true, [530, 511, 401, 514, 200]],
  ['/seller/add_book', 'addBook', true, [530, 511, 401, 513, 516, 200]],
  ['/seller/add_stock_level', 'addStockLevel', true, [530, 511, 401, 513, 515, 200]],
  ['/seller/ship', 'ship', true, [530, 511, 401, 513, 518, 526, 520, 529, 528, 200]],
  ['/seller/query_one_store_orders', 'queryOneStoreOrders', false, [530, 511, 513, 401, 522, 200]],
  ['/seller/query_all_store_orders', 'queryAllStoreOrders', false, [530, 511, 401, 522, 200]],
  ['/seller/get_stock_level', 'getStockLevel', false, [530, 513, 515, 200]],
  ['/buyer/new_order', 'newOrder', true, [530, 511, 401, 513, 515, 517, 200]],
  ['/buyer/pay_to_platform', 'payToPlatform', false, [530, 401, 518, 526, 527, 519, 200]],
  ['/buyer/payment', 'payToPlatform', false, [530, 401, 518, 526, 527, 519, 200]],
  ['/buyer/add_funds', 'addFunds', false, [530, 401, 519, 200]],
  ['/buyer/confirm_receipt_and_pay_toseller', 'confirmReceipt', false, [530, 401, 518, 526, 520, 528, 200]],
  ['/buyer/query_order_status', 'queryOrderStatus', false, [530, 511, 401, 518, 200]],
  ['/buyer/query_buyer_all_orders', 'queryBuyerAllOrders', false, [530, 511, 401, 200]],
  ['/buyer/cancel_order', 'cancelOrder', false, [530, 511, 401, 518, 526, 521, 200]],
  ['/buyer/query_balance', 'queryBalance', false, [530, 401, 200]],
  ['/search/search_books', 'searchBooks', false, [530, 524, 523, 525, 200]],
  ['/buyer/search', 'searchBooks', false, [530, 524, 523, 525, 200]],
  ['/seller/search', 'searchBooks', false, [530, 524, 523, 525, 200]],
];

const answer = {
  type: 'object',
  properties: { code: { type: 'integer' }, message: { type: 'string' } },
  required: ['code', 'message'],
};

export function openApiDocument() {
  const paths: Record<string, unknown> = {};
  for (const [path, name, token, codes] of endpoints) {
    const { $schema: _ignored, ...body } = toJsonSchema(schemas[name] as v.GenericSchema, {
      errorMode: 'ignore',
    });
    paths[path] = {
      post: {
        operationId: path.slice(1).replace(/\//g, '_'),
        'x-codes-in-order': codes,
        parameters: [
          ...(token ? [{ name: 'token', in: 'header', required: true, schema: { type: 'string' } }] : []),
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            schema: { type: 'string', maxLength: 255 },
          },
        ],
        requestBody: { required: true, content: { 'application/json': { schema: body } } },
        responses: Object.fromEntries(
          codes.map((code, i) => [
            String(code),
            {
              description: `${code === 200 ? 'ok' : 'refused'} (checked in position ${i + 1})`,
              content: { 'application/json': { schema: answer } },
            },
          ]),
        ),
      },
    };
  }
  paths['/buyer/auto_cancel_expired_orders'] = {
    post: { responses: { '200': { description: 'the number cancelled, as `cancelled`' } } },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Bookstore',
      version: '1',
      description: 'Every answer carries `code` (= HTTP status) and `message`.',
    },
    paths,
  };
}

/** A self-contained page rendering /openapi.json: endpoints, headers, body schema, result codes. */
export const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bookstore API</title>
<style>body{font:14px/1.5 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em}
h2{font-size:1.05em;margin:1.6em 0 .3em;font-family:monospace}pre{background:#f5f5f5;padding:.6em;overflow:auto}
.codes span{display:inline-block;margin-right:.5em;font-family:monospace}</style></head>
<body><h1>Bookstore API</h1><p>Generated from <a href="/openapi.json">/openapi.json</a>.</p><div id="api"></div>
<script>
fetch('/openapi.json').then(r => r.json()).then(doc => {
  const root = document.getElementById('api');
  for (const [path, item] of Object.entries(doc.paths)) {
    const op = item.post; const section = document.createElement('section');
    const h = document.createElement('h2'); h.textContent = 'POST ' + path; section.append(h);
    const headers = (op.parameters || []).map(p => p.name + (p.required ? ' (required)' : '')).join(', ');
    if (headers) { const p = document.createElement('p'); p.textContent = 'Headers: ' + headers; section.append(p); }
    const codes = document.createElement('p'); codes.className = 'codes';
    codes.textContent = 'Result codes, in the order checked: ' + (op['x-codes-in-order'] || Object.keys(op.responses)).join(', ');
    section.append(codes);
    const schema = op.requestBody && op.requestBody.content['application/json'].schema;
    if (schema) { const pre = document.createElement('pre'); pre.textContent = JSON.stringify(schema, null, 2); section.append(pre); }
    root.append(section);
  }
});
</script></body></html>`;
