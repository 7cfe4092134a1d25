/**
 * A real headless Chromium for the browser tests (the docs page, the benchmark report): Debian's
 * `chromium`, or the binary named by CHROMIUM_PATH, driven by playwright-core (which never downloads
 * a browser of its own). Pages' console errors are collected so a test can assert there were none.
 */
import { execFileSync } from 'node:child_process';
import { type Browser, chromium, type Page } from 'playwright-core';

/** The Chromium binary: CHROMIUM_PATH, else `chromium` on PATH. */
export function chromiumPath(): string {
  const named = process.env.CHROMIUM_PATH;
  if (named) return named;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error("no Chromium: install Debian's chromium package or set CHROMIUM_PATH");
  }
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
}

/** A new page whose console errors and uncaught exceptions land in `errors`. */
export async function openPage(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, errors };
}
