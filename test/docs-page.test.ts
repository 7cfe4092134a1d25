/**
 * The docs page (Swagger UI, src/routes/docs.ts). In process: the files it names are served byte-exact
 * from node_modules with their types and a year's cache, gzipped when asked, and no other file is. On
 * the real server on Node and on Deno, in a real headless Chromium: the page renders every operation of
 * /openapi.json with no console error, and a request sent from it with "Execute" reaches the server
 * (the user it registers can then log in) and the page shows the answer. The Node run saves a
 * screenshot to artifacts/docs-page.png.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docsRoutes } from '../src/routes/docs.ts';
import { launchBrowser, openPage } from './support/browser.ts';
import { httpClient, uid } from './support/client.ts';
import { redisEnv, uniquePrefix } from './support/harness.ts';
import { ROOT, type Runtime, type ServerProcess, startServer } from './support/server-process.ts';

const SCREENSHOT = join(ROOT, 'artifacts/docs-page.png');
const distDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const YEAR = 'public, max-age=31536000, immutable';
const typeOf: Record<string, RegExp> = {
  js: /^text\/javascript; charset=utf-8$/,
  css: /^text\/css; charset=utf-8$/,
  png: /^image\/png$/,
};

/** The same-origin files a page's HTML names (scripts, stylesheets, icons). */
const filesNamed = (html: string) =>
  [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1] as string);

/** Every operation of an OpenAPI document as `METHOD /path`, sorted. */
function operationsOf(doc: { paths: Record<string, Record<string, unknown>> }): string[] {
  const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
  return Object.entries(doc.paths)
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => methods.includes(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
}

describe('docs page files, in process', () => {
  const app = new Hono().route('/docs', docsRoutes());
  const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });

  it('names only files it serves, each with its type and a year-long cache, the package files byte-exact', async () => {
    const page = await get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    // Nothing from outside: scripts, styles and requests only from this origin.
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(page.headers.get('content-security-policy')).toMatch(/connect-src 'self'/);
    const files = filesNamed(await page.text());
    expect(files.filter((file) => file.startsWith('/docs/assets/')).length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      const answer = await get(file);
      expect(answer.status, file).toBe(200);
      const ext = file.slice(file.lastIndexOf('.') + 1);
      expect(answer.headers.get('content-type'), file).toMatch(typeOf[ext] ?? /^$/);
      if (!file.startsWith('/docs/assets/')) continue;
      expect(answer.headers.get('cache-control'), file).toBe(YEAR);
      const onDisk = readFileSync(join(distDir, file.slice(file.lastIndexOf('/') + 1)));
      expect(Buffer.from(await answer.arrayBuffer()).equals(onDisk), file).toBe(true);
    }
  });

  it('gzips the script and the stylesheet for a client that accepts gzip, and only then', async () => {
    const files = filesNamed(await (await get('/docs')).text()).filter((file) => /\.(js|css)$/.test(file));
    const bundle = files.find((file) => file.endsWith('/swagger-ui-bundle.js')) as string;
    const onDisk = readFileSync(join(distDir, 'swagger-ui-bundle.js'));
    const zipped = await get(bundle, { 'accept-encoding': 'br, gzip;q=0.8' });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toBe('accept-encoding');
    const compressed = Buffer.from(await zipped.arrayBuffer());
    expect(gunzipSync(compressed).equals(onDisk)).toBe(true);
    expect(compressed.length).toBeLessThan(onDisk.length / 2);
    for (const refused of ['identity', 'gzip;q=0', 'br']) {
      const plain = await get(bundle, { 'accept-encoding': refused });
      expect(plain.headers.get('content-encoding'), refused).toBeNull();
      expect(Buffer.from(await plain.arrayBuffer()).equals(onDisk), refused).toBe(true);
    }
  });

  it('answers 404 for any other name, another version, or a path out of the folder', async () => {
    const stylesheet = filesNamed(await (await get('/docs')).text()).find((f) =>
      f.endsWith('.css'),
    ) as string;
    const folder = stylesheet.slice(0, stylesheet.lastIndexOf('/') + 1);
    const names = [
      'package.json',
      'index.html',
      'swagger-initializer.js',
      'swagger-ui-bundle.js.map',
      'swagger-ui-es-bundle.js',
      '..%2Fpackage.json',
      '..%2F..%2F..%2Fpackage.json',
      '%2e%2e%2fswagger-ui-dist%2fpackage.json',
      '__proto__',
      'constructor',
      'toString',
    ];
    for (const name of names) {
      const answer = await get(folder + name);
      expect(answer.status, name).toBe(404);
      expect(((await answer.json()) as { code: number }).code, name).toBe(404);
    }
    expect((await get(stylesheet.replace(/\/assets\/[^/]+\//, '/assets/0.0.1/'))).status).toBe(404);
  });
});

describe.each<Runtime>(['node', 'deno'])(
  'docs page on the real server on %s, in headless Chromium',
  (runtime) => {
    let server: ServerProcess | undefined;
    let browser: Browser | undefined;
    const base = () => (server as ServerProcess).baseUrl;
    beforeAll(async () => {
      [server, browser] = await Promise.all([
        startServer(runtime, { ...redisEnv(), KEY_PREFIX: uniquePrefix() }),
        launchBrowser(),
      ]);
    }, 120_000);
    afterAll(async () => {
      await browser?.close();
      await server?.stop();
    });

    it('serves the page and its files with their types over HTTP', async () => {
      const page = await fetch(`${base()}/docs`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      for (const file of filesNamed(await page.text())) {
        // fetch asks for gzip and decodes it: the bytes must still be the package's.
        const answer = await fetch(base() + file);
        expect(answer.status, file).toBe(200);
        expect(answer.headers.get('content-type'), file).toMatch(
          typeOf[file.slice(file.lastIndexOf('.') + 1)] ?? /^$/,
        );
        if (!file.startsWith('/docs/assets/')) continue;
        const onDisk = readFileSync(join(distDir, file.slice(file.lastIndexOf('/') + 1)));
        expect(Buffer.from(await answer.arrayBuffer()).equals(onDisk), file).toBe(true);
      }
    });

    it('renders every operation, and "Execute" on POST /auth/register reaches the server and shows its answer', async () => {
      const { page, errors } = await openPage(browser as Browser);
      page.setDefaultTimeout(90_000);
      const doc = (await (await fetch(`${base()}/openapi.json`)).json()) as Parameters<
        typeof operationsOf
      >[0];
      const expected = operationsOf(doc);
      expect(expected).toContain('POST /auth/register');

      await page.goto(`${base()}/docs`);
      // Every operation once (one listed under two tags shows twice), polled until the page has drawn them.
      const shown = async () => {
        const blocks = await page
          .locator('.opblock')
          .evaluateAll((all) =>
            all.map(
              (block) =>
                `${block.querySelector('.opblock-summary-method')?.textContent} ${block.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`,
            ),
          );
        return [...new Set(blocks)].sort();
      };
      await expect.poll(shown, { timeout: 90_000, interval: 250 }).toEqual(expected);
      expect(errors).toEqual([]);

      // "Try it out" is on from the start: the body is editable and Execute is there without a click.
      const register = page
        .locator('.opblock')
        .filter({ has: page.locator('.opblock-summary-path[data-path="/auth/register"]') });
      await register.locator('.opblock-summary-control').click();
      expect(await register.locator('.try-out__btn').textContent()).toBe('Cancel');
      const user_id = uid('docs');
      const password = `pw-${user_id}`;
      await register.locator('textarea.body-param__text').fill(JSON.stringify({ user_id, password }));
      await register.locator('button.execute').click();
      const status = register.locator('.live-responses-table tr.response .response-col_status');
      const details = register.locator('.live-responses-table tr.response .response-col_description');
      // The first answer shown, whatever it is (a request that failed shows too, so a failure is quick).
      await status.waitFor();
      expect(await status.textContent()).toBe('200');
      expect(await register.locator('.request-url').textContent()).toContain(`${base()}/auth/register`);
      expect(await details.textContent()).toContain('"code": 200');
      // The registration happened on the server: the user logs in through the API.
      const login = await httpClient(base()).post('/auth/login', {
        user_id,
        password,
        terminal: 'docs-page',
      });
      expect(login.status).toBe(200);
      if (runtime === 'node') await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(errors).toEqual([]);

      // Sent again, the server refuses the taken id and the page shows that answer (Chromium logs the status).
      await register.locator('button.execute').click();
      await status.filter({ hasText: /^512$/ }).waitFor();
      expect(await details.textContent()).toContain('already exists');
      expect(errors).toEqual([expect.stringContaining('status of 512')]);
    }, 180_000);

    it.runIf(runtime === 'node')(
      'sends requests from the page to its own origin even when the document names another server',
      async () => {
        const { page, errors } = await openPage(browser as Browser);
        page.setDefaultTimeout(90_000);
        // The browser gets a document whose `servers` points elsewhere (TEST-NET-1: never answers).
        await page.route(`${base()}/openapi.json`, async (route) => {
          const response = await route.fetch();
          const json = { ...(await response.json()), servers: [{ url: 'http://192.0.2.1:9' }] };
          await route.fulfill({ response, json });
        });
        await page.goto(`${base()}/docs`);
        const register = page
          .locator('.opblock')
          .filter({ has: page.locator('.opblock-summary-path[data-path="/auth/register"]') });
        await register.locator('.opblock-summary-control').click();
        const user_id = uid('docs');
        await register
          .locator('textarea.body-param__text')
          .fill(JSON.stringify({ user_id, password: `pw-${user_id}` }));
        await register.locator('button.execute').click();
        const status = register.locator('.live-responses-table tr.response .response-col_status');
        await status.waitFor();
        expect(await status.textContent()).toBe('200');
        expect(await register.locator('.request-url').textContent()).toContain(`${base()}/auth/register`);
        expect(errors).toEqual([]);
      },
      180_000,
    );
  },
);
