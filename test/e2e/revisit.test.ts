/**
 * Pages as people come back to them: a reload, Back after a full navigation,
 * Back after an in-app one, and the same address in a second tab, all in one
 * browser context so the browser's own cache answers with its kept documents
 * (revalidated with If-None-Match, answered 304). Each visit must hydrate,
 * draw its charts and log nothing to the console: a 304 whose policy named a
 * new nonce once left every revisited page without scripts (decision 034).
 */
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, build, database, launchBrowser, root, type Server, serve } from './server.ts';

const haveBrowser = browserAvailable();

const pages: { name: string; url: string; charts: boolean }[] = [
  { name: 'overview', url: '/', charts: true },
  { name: 'releases', url: '/releases', charts: false },
  { name: 'release detail', url: '/releases/REL-00020', charts: true },
  { name: 'incidents', url: '/incidents', charts: true },
  { name: 'trends', url: '/trends?preset=ytd', charts: true },
  { name: 'data', url: '/data', charts: false },
];

describe.skipIf(!haveBrowser)('pages survive a reload, Back and a second tab', () => {
  let browser: Browser;
  let server: Server;
  let context: BrowserContext;
  const consoleErrors: string[] = [];
  /** The status of every document response as the server sent it. */
  const onTheWire: number[] = [];

  const watch = async (page: Page, label: string) => {
    // the status on the wire (Playwright reports a revalidated document as the kept 200)
    const cdp = await context.newCDPSession(page);
    const documents = new Set<string>();
    cdp.on('Network.requestWillBeSent', (e) => {
      if (e.type === 'Document') documents.add(e.requestId);
    });
    cdp.on('Network.responseReceivedExtraInfo', (e) => {
      if (documents.has(e.requestId)) onTheWire.push(e.statusCode);
    });
    await cdp.send('Network.enable');
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${label}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`${label}: ${e.message}`));
    return page;
  };

  /** The page is hydrated (Remix's router runs) and, where it has charts, they are drawn. */
  async function works(page: Page, name: string, charts: boolean, how: string) {
    await expect
      .poll(() => page.evaluate(() => Boolean((window as unknown as { __remixRouter?: unknown }).__remixRouter)), {
        message: `${name} hydrates after ${how}`,
      })
      .toBe(true);
    if (charts)
      await expect
        .poll(() => page.locator('figure.chart svg, figure.spark svg').count(), {
          message: `${name} draws its charts after ${how}`,
        })
        .toBeGreaterThan(0);
    expect(await page.locator('main h1').count(), `${name} has its heading after ${how}`).toBe(1);
  }

  beforeAll(async () => {
    build();
    server = await serve(database('sample', [path.join(root, 'data', 'sample')]));
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it.each(pages)('$name: first visit, reload, Back and a second tab all work', async ({ name, url, charts }) => {
    const page = await watch(await context.newPage(), name);
    await page.goto(`${server.url}${url}`, { waitUntil: 'networkidle' });
    await works(page, name, charts, 'the first visit');

    await page.reload({ waitUntil: 'networkidle' });
    await works(page, name, charts, 'a reload');

    // a full navigation elsewhere, then Back
    await page.goto(`${server.url}${url === '/' ? '/releases' : '/'}`, { waitUntil: 'networkidle' });
    await page.goBack({ waitUntil: 'networkidle' });
    expect(new URL(page.url()).pathname).toBe(new URL(url, server.url).pathname);
    await works(page, name, charts, 'Back from another document');

    // an in-app navigation (the nav bar), then Back
    const [label, target] = url === '/data' ? ['Releases', /\/releases/] : ['Data', /\/data/];
    await page.locator('nav a', { hasText: label }).click();
    await page.waitForURL(target);
    await page.goBack({ waitUntil: 'networkidle' });
    await works(page, name, charts, 'Back from an in-app navigation');

    const second = await watch(await context.newPage(), `${name} (second tab)`);
    await second.goto(`${server.url}${url}`, { waitUntil: 'networkidle' });
    await works(second, name, charts, 'opening it in a second tab');
    await second.reload({ waitUntil: 'networkidle' });
    await works(second, name, charts, 'a reload of the second tab');

    await second.close();
    await page.close();
    expect(consoleErrors).toEqual([]);
  });

  it('the revisits were answered from the browser’s kept copies (304), not only fresh documents', () => {
    expect(onTheWire.filter((s) => s === 304).length).toBeGreaterThan(5);
  });
});
