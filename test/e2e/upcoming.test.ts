/**
 * The upcoming-changes page on the sample, as a release manager preparing the
 * change advisory board uses it: the planted collisions and the billing freeze
 * on the days after the sample's "today", in order of evidence; the agenda
 * kept through a reload, Back and a second tab; the empty page pointing to the
 * scheduled work; the CSV and the printable pack; a phone; bad parameters.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, build, database, launchBrowser, root, type Server, serve } from './server.ts';

const haveBrowser = browserAvailable();
const agenda = 'from=2026-01-06&days=14';

describe.skipIf(!haveBrowser)('upcoming changes for the CAB', () => {
  let server: Server;
  let browser: Browser;

  beforeAll(async () => {
    build();
    server = await serve(database('upcoming', [path.join(root, 'data', 'sample')]));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const rows = (page: Page) =>
    page.$$eval('[data-table="upcoming"] tbody tr', (trs) =>
      trs.map((tr) => ({
        id: tr.getAttribute('data-unit'),
        stops: Number(tr.getAttribute('data-stop')),
        text: tr.textContent ?? '',
      })),
    );

  it('shows the planted freeze and collisions first, each reason in words, and keeps the agenda on reload, Back and a second tab', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/upcoming?${agenda}`, { waitUntil: 'networkidle' });
    const first = await rows(page);
    expect(first.length).toBeGreaterThan(15);
    // reasons to stop come first, in non-increasing order
    const stops = first.map((r) => r.stops);
    expect(stops).toEqual([...stops].sort((a, b) => b - a));
    const billing = first.find((r) => /Billing annual close/.test(r.text));
    expect(billing?.stops).toBeGreaterThan(0);
    expect(billing?.text).toMatch(/Stop: touches the freeze "Billing annual close"/);
    const checkout = first.filter(
      (r) => /overlaps \d other open (release|change)/.test(r.text) && /checkout/.test(r.text),
    );
    expect(checkout.length).toBeGreaterThanOrEqual(2);
    expect(first.some((r) => /CI payments-db/.test(r.text))).toBe(true);

    // the form: fewer days by keyboard, then reload and Back
    await page.locator('select[name="days"]').focus();
    await page.keyboard.press('Home'); // 1 day
    await page.locator('button:has-text("Show")').press('Enter');
    await page.waitForURL(/days=1\b/);
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-table="upcoming"] tbody tr').length < n,
      first.length,
    );
    const oneDay = await rows(page);
    expect(oneDay.length).toBeLessThan(first.length);
    await page.reload({ waitUntil: 'networkidle' });
    expect(await rows(page)).toEqual(oneDay);
    await page.goBack({ waitUntil: 'networkidle' });
    await page.waitForURL(/days=14/);
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-table="upcoming"] tbody tr').length === n,
      first.length,
    );
    expect(await rows(page)).toEqual(first);
    const second = await browser.newPage();
    await second.goto(page.url(), { waitUntil: 'networkidle' });
    expect(await rows(second)).toEqual(first);
    await second.close();
    await page.close();
  });

  it('today (after the sample ends) says so and leads to the scheduled days', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/upcoming`, { waitUntil: 'networkidle' });
    await page.waitForSelector('[data-empty="upcoming"]');
    await page.getByRole('link', { name: /show the days before it/ }).click();
    await page.waitForSelector('[data-table="upcoming"]');
    expect((await rows(page)).length).toBeGreaterThan(0);
    await page.close();
  });

  it('the CSV and the printable pack carry the same agenda in the same order', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/upcoming?${agenda}`, { waitUntil: 'networkidle' });
    const ids = (await rows(page)).map((r) => r.id);
    await page.close();
    const csv = await fetch(`${server.url}/upcoming.csv?${agenda}`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toMatch(/^order,kind,id,title,service/);
    expect(lines.slice(1).map((l) => l.split(',')[2])).toEqual(ids);
    const pack = await fetch(`${server.url}/upcoming.html?${agenda}`);
    expect(pack.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const html = await pack.text();
    expect(html).toMatch(/Change advisory board pack/);
    expect(html).not.toMatch(/<script/i);
    expect([...html.matchAll(/data-unit="([^"]+)"/g)].map((m) => m[1])).toEqual(ids);
  });

  it('on a phone the agenda keeps what, when and why', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${server.url}/upcoming?${agenda}`, { waitUntil: 'networkidle' });
    const visible = await page.$$eval('[data-table="upcoming"] thead th', (ths) =>
      ths.filter((th) => getComputedStyle(th).display !== 'none').map((th) => th.textContent),
    );
    expect(visible).toEqual(['Scheduled', 'Planned window (UTC)', 'Why the board should look']);
    await page.close();
  });

  it('refuses bad parameters with every problem named', async () => {
    const cases: [string, RegExp][] = [
      ['from=2026-13-45', /from: is not a date/],
      ['from=yesterday', /from: must be a date/],
      ['days=0', /days:/],
      ['days=abc', /days:/],
      ['days=61', /days:/],
      ['kind=problem', /kind:/],
      ['sort=1', /sort: not a parameter/],
      [Array.from({ length: 101 }, (_, i) => `service=s${i}`).join('&'), /service:/],
    ];
    for (const [query, message] of cases) {
      for (const route of ['/upcoming', '/upcoming.csv', '/upcoming.html']) {
        const res = await fetch(`${server.url}${route}?${query}`);
        expect({ route, query, status: res.status }).toEqual({ route, query, status: 400 });
        expect(await res.text()).toMatch(message);
      }
    }
  });
});
