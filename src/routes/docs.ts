/**
 * GET /docs: Swagger UI on this service's /openapi.json, with "Try it out" on and every request sent to
 * this origin. Its files come from the swagger-ui-dist package in node_modules and are served here
 * (nothing is loaded from outside, so the page works offline): a fixed list of names under
 * /docs/assets/<swagger-ui version>/, read once per process, gzipped once, cached by browsers for a year.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { fail } from '../http/respond.ts';

/** The only files served from the package: content type, and whether gzip makes it smaller. */
const ASSETS = new Map([
  ['swagger-ui-bundle.js', { type: 'text/javascript; charset=utf-8', compressible: true }],
  ['swagger-ui.css', { type: 'text/css; charset=utf-8', compressible: true }],
  ['favicon-32x32.png', { type: 'image/png', compressible: false }],
  ['favicon-16x16.png', { type: 'image/png', compressible: false }],
]);

/** The package's folder (Node and Deno both resolve it from node_modules) and its version. */
const distDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const version = (JSON.parse(readFileSync(join(distDir, 'package.json'), 'utf8')) as { version: string })
  .version;

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  gzipped?: Uint8Array<ArrayBuffer>;
}
/** Each file read (and compressed) once per process, on its first request. */
const loaded = new Map<string, Promise<Asset>>();

function loadAsset(name: string, compressible: boolean): Promise<Asset> {
  let asset = loaded.get(name);
  if (!asset) {
    asset = readFile(join(distDir, name)).then(async (body) => ({
      body: new Uint8Array(body),
      gzipped: compressible ? new Uint8Array(await promisify(gzip)(body)) : undefined,
    }));
    // A failed read is not kept: the next request tries again.
    asset.catch(() => loaded.delete(name));
    loaded.set(name, asset);
  }
  return asset;
}

/** True when an Accept-Encoding header accepts gzip (`gzip` or `*`, with no q=0). */
function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((entry) => {
    const [coding, ...params] = entry.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    return (coding === 'gzip' || coding === '*') && (q === undefined || Number(q.slice(2)) > 0);
  });
}

const assetPath = (name: string) => `/docs/assets/${version}/${name}`;

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bookstore API</title>
<link rel="stylesheet" href="${assetPath('swagger-ui.css')}">
<link rel="icon" type="image/png" href="${assetPath('favicon-32x32.png')}" sizes="32x32">
<link rel="icon" type="image/png" href="${assetPath('favicon-16x16.png')}" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${assetPath('swagger-ui-bundle.js')}"></script>
<script src="/docs/swagger-initializer.js"></script>
</body>
</html>
`;

/** Swagger UI's configuration. A request to another origin (a `servers` entry) is sent here instead. */
const initializer = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  layout: 'BaseLayout',
  deepLinking: true,
  tryItOutEnabled: true,
  displayRequestDuration: true,
  validatorUrl: null,
  requestInterceptor: (request) => {
    const url = new URL(request.url, window.location.href);
    request.url = window.location.origin + url.pathname + url.search;
    return request;
  },
});
`;

/** The page may load and call only this origin (Swagger UI sets inline styles and data: images). */
const pageHeaders = secureHeaders({
  strictTransportSecurity: false,
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'self'"],
  },
});

/** Mounted at /docs. */
export function docsRoutes() {
  return new Hono()
    .get('/', pageHeaders, (c) => c.html(page, 200, { 'cache-control': 'no-cache' }))
    .get('/swagger-initializer.js', (c) =>
      c.body(initializer, 200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'no-cache',
      }),
    )
    .get('/assets/:version/:name', async (c) => {
      const { version: asked, name } = c.req.param();
      const known = ASSETS.get(name);
      // Another version's URL would be cached for a year with this version's bytes: not served.
      if (!known || asked !== version) return fail(c, 404, `no such file: ${c.req.path}`);
      const { body, gzipped } = await loadAsset(name, known.compressible);
      const headers = {
        'content-type': known.type,
        'cache-control': 'public, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
      };
      if (!gzipped) return c.body(body, 200, headers);
      const vary = { ...headers, vary: 'accept-encoding' };
      return acceptsGzip(c.req.header('accept-encoding'))
        ? c.body(gzipped, 200, { ...vary, 'content-encoding': 'gzip' })
        : c.body(body, 200, vary);
    });
}
