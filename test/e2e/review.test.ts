/**
 * Reviewing incident links as a problem manager does: the /review queue worked
 * through by keyboard (the focus moves to the next link after each verdict),
 * the overview's numbers after a rejection (in this tab after a reload, and
 * in a second tab), a confirmation from a release's page, and the bad requests
 * the review endpoints refuse.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, build, database, launchBrowser, root, type Server, serve } from './server.ts';

const input = path.join(root, 'test', 'fixtures', 'golden', 'input');
const march = 'from=2025-03-01&to=2025-04-01&as_of=2025-04-15T00:00:00Z';

const haveBrowser = browserAvailable();

describe.skipIf(!haveBrowser)('reviewing incident links', () => {
  let server: Server;
  let browser: Browser;

  beforeAll(async () => {
    build();
    server = await serve(
      database(
        'review',
        fs.readdirSync(input).map((f) => path.join(input, f)),
      ),
    );
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** The overview's link counts and post-release incidents. */
  const overviewFigures = async (page: Page) => {
    await page.waitForSelector('[data-links]');
    return page.evaluate(() => ({
      rejected: Number(document.querySelector('[data-links-rejected]')?.getAttribute('data-links-rejected')),
      postRelease: Number(/post-release incidents: (\d+)/.exec(document.body.textContent)?.[1]),
    }));
  };

  const queueIncidents = (page: Page) =>
    page.$$eval('[data-table="review-queue"] tbody tr', (rows) => rows.map((r) => r.getAttribute('data-incident')));

  it('works through the queue by keyboard, and the overview follows a rejection', async () => {
    const other = await browser.newPage();
    await other.goto(`${server.url}/?${march}`, { waitUntil: 'networkidle' });
    const before = await overviewFigures(other);
    expect(before.rejected).toBe(0);

    const page = await browser.newPage();
    await page.goto(`${server.url}/review?${march}`, { waitUntil: 'networkidle' });
    const first = await queueIncidents(page);
    expect(first.length).toBeGreaterThan(1);
    const target = first[0] as string;
    // keyboard only: the reason box of the worst link, a reason, Tab past Confirm to Reject, Enter
    await page.locator('[data-table="review-queue"] tbody tr').first().locator('input[name="reason"]').focus();
    // reject the incident's every candidate in the period: it leaves the queue when none is left
    for (let round = 0; round < 6; round++) {
      const rows = await queueIncidents(page);
      const at = rows.indexOf(target);
      if (at < 0) break;
      const reason = page.locator('[data-table="review-queue"] tbody tr').nth(at).locator('input[name="reason"]');
      await reason.focus();
      await page.keyboard.type('the database patch of that night');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => (document.activeElement as HTMLButtonElement).value)).toBe('rejected');
      await page.keyboard.press('Enter');
      await page.waitForFunction(
        ([n, t, i]) => {
          const rows = [...document.querySelectorAll('[data-table="review-queue"] tbody tr')];
          return rows.length !== n || rows[i as number]?.getAttribute('data-incident') !== t;
        },
        [rows.length, target, at] as const,
      );
      // the focus is in the row that took the reviewed one's place
      await page.waitForFunction(() => (document.activeElement as HTMLInputElement | null)?.name === 'reason');
    }
    expect(await queueIncidents(page)).not.toContain(target);
    const reviews = page.locator('[data-table="reviews"] tbody tr');
    await page.reload({ waitUntil: 'networkidle' });
    expect(await reviews.count()).toBeGreaterThan(0);
    await expect
      .poll(() => page.locator('[data-table="reviews"]').textContent())
      .toMatch(/rejected[\s\S]*the database patch of that night[\s\S]*local/);

    // the second tab, reloaded, and this tab's overview give the new numbers
    await other.reload({ waitUntil: 'networkidle' });
    const after = await overviewFigures(other);
    expect(after.rejected).toBeGreaterThan(0);
    expect(after.postRelease).toBe(before.postRelease - 1);
    await page.goto(`${server.url}/?${march}`, { waitUntil: 'networkidle' });
    expect(await overviewFigures(page)).toEqual(after);
    // Back to the queue: still without the rejected incident
    await page.goBack({ waitUntil: 'networkidle' });
    expect(await queueIncidents(page)).not.toContain(target);
    await page.close();
    await other.close();
  });

  it('confirms a link on a release page and withdraws it again', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/review?${march}`, { waitUntil: 'networkidle' });
    const link = page.locator('[data-table="review-queue"] tbody tr').first();
    const incident = (await link.getAttribute('data-incident')) as string;
    await link.locator('a').first().click();
    await page.waitForURL(/\/releases\//);
    const row = page.locator(`[data-table="unit-incidents"] tr:has(button[value="confirmed"])`).first();
    await row.waitFor();
    const confirmedIncident = ((await row.locator('td').first().textContent()) ?? '').trim();
    await row.locator('button[value="confirmed"]').click();
    await page.waitForSelector('[data-review="confirmed"]');
    expect(await page.locator('[data-attribution="reviewed"]').first().textContent()).toContain(confirmedIncident);
    await page.locator('button[value="withdrawn"]').first().click();
    await page.waitForFunction(() => !document.querySelector('[data-review="confirmed"]'));
    expect(incident).toBeTruthy();
    await page.close();
  });

  it('on a phone the queue and a release page fit the screen, buttons and all', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const fits = (table: string) =>
      page.$eval(`[data-table="${table}"]`, (t) => t.getBoundingClientRect().right <= window.innerWidth);
    await page.goto(`${server.url}/review?${march}`, { waitUntil: 'networkidle' });
    expect(await fits('review-queue')).toBe(true);
    expect(await page.locator('[data-table="review-queue"] button[value="rejected"]').first().isVisible()).toBe(true);
    await page.locator('[data-table="review-queue"] tbody tr a').first().click();
    await page.waitForURL(/\/releases\//);
    await page.waitForSelector('[data-table="unit-incidents"]');
    expect(await fits('unit-incidents')).toBe(true);
    await page.close();
  });

  it('refuses bad review requests with a reason', async () => {
    const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
      fetch(`${server.url}/api/reviews`, { method: 'POST', body, headers });
    const one = { incident_id: 'INC-1', unit_kind: 'release', unit_id: 'REL-1', verdict: 'confirmed' };
    const cases: [string, Response, number, RegExp][] = [
      ['not JSON', await post('{nope'), 400, /not JSON/],
      ['text/plain', await post(JSON.stringify(one), { 'content-type': 'text/plain' }), 415, /application\/json/],
      ['unknown verdict', await post(JSON.stringify({ ...one, verdict: 'maybe' })), 400, /verdict/],
      ['unknown key', await post(JSON.stringify({ ...one, sql: 'drop table x' })), 400, /sql|unrecognized/i],
      ['unknown unit kind', await post(JSON.stringify({ ...one, unit_kind: 'problem' })), 400, /unit_kind/],
      ['no such incident', await post(JSON.stringify({ ...one, incident_id: 'NOPE' })), 404, /no incident NOPE/],
      ['too many', await post(JSON.stringify({ reviews: Array.from({ length: 501 }, () => one) })), 400, /500|reviews/],
      ['a reason too long', await post(JSON.stringify({ ...one, reason: 'x'.repeat(1001) })), 400, /reason/],
      ['too large', await post(`{"reviews":[${'"x",'.repeat(60_000)}"x"]}`), 413, /larger/],
      [
        'another site',
        await post(JSON.stringify(one), { 'content-type': 'application/json', origin: 'http://evil.example' }),
        403,
        /another site/,
      ],
    ];
    for (const [what, res, status, message] of cases) {
      expect({ what, status: res.status }).toEqual({ what, status });
      expect(await res.text()).toMatch(message);
    }
    const page = await fetch(`${server.url}/api/reviews?limit=-1`);
    expect(page.status).toBe(400);
    // a form's `back` never leads to another site
    const form = await fetch(`${server.url}/review`, {
      method: 'POST',
      body: new URLSearchParams({ ...one, verdict: 'withdrawn', back: '//evil.example/x' }),
      redirect: 'manual',
    });
    expect(form.headers.get('location') ?? '').not.toMatch(/evil/);
  });
});
