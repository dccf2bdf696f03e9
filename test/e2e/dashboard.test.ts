/**
 * End to end in a real browser (Debian's chromium driven by playwright-core):
 * the built app served over temporary databases, one with the golden fixture
 * and one with the sample organisation. Screenshots go to test-results/.
 * In CI (CI=true) a missing browser fails; elsewhere these tests are skipped
 * with a message saying how to install it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, build, database, launchBrowser, root, type Server, serve } from './server.ts';

const haveBrowser = browserAvailable();

const results = path.join(root, 'test-results');
const golden = path.join(root, 'test', 'fixtures', 'golden');
const expected = JSON.parse(fs.readFileSync(path.join(golden, 'expected', 'release.json'), 'utf8'));
const march = 'from=2025-03-01&to=2025-04-01&as_of=2025-04-15T00:00:00Z';
const token = 'e2e-admin-token-for-the-tests';

describe.skipIf(!haveBrowser)('dashboard in a browser', () => {
  let browser: Browser;
  let goldenServer: Server;
  let sampleServer: Server;
  const consoleErrors: string[] = [];

  async function open(url: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${url}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`${url}: ${e.message}`));
    await page.goto(url, { waitUntil: 'networkidle' });
    return page;
  }

  beforeAll(async () => {
    fs.mkdirSync(results, { recursive: true });
    build();
    goldenServer = await serve(database('golden', [path.join(golden, 'input')]), { RELEASELENS_ADMIN_TOKEN: token });
    sampleServer = await serve(database('sample', [path.join(root, 'data', 'sample')]));
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await goldenServer?.stop();
    await sampleServer?.stop();
  });

  it('overview tiles show the golden values', async () => {
    const page = await open(`${goldenServer.url}/?${march}`);
    const value = async (kpi: string) =>
      Number(await page.locator(`[data-kpi="${kpi}"] .value`).getAttribute('data-value'));
    for (const kpi of [
      'success_rate',
      'change_failure_rate',
      'rollback_rate',
      'schedule_adherence',
      'post_release_incident_rate',
    ]) {
      expect(Math.abs((await value(kpi)) - expected.kpis[kpi].value), kpi).toBeLessThan(1e-6);
    }
    expect(Math.abs((await value('lead_time_hours')) - expected.kpis.lead_time_hours.median)).toBeLessThan(1e-4);
    expect(Math.abs((await value('recovery_time_hours')) - expected.kpis.recovery_time_hours.median)).toBeLessThan(
      1e-4,
    );
    expect(
      Math.abs((await value('deployment_frequency_per_week')) - expected.kpis.deployment_frequency_per_week),
    ).toBeLessThan(1e-6);
    await expect.poll(() => page.locator('[data-kpi="success_rate"] svg').count()).toBeGreaterThan(0);
    // the release calendar draws its go-lives once /api/calendar has answered
    const calendar = page.locator('figure', { hasText: 'Go-lives by service' });
    await expect.poll(() => calendar.locator('svg').count()).toBeGreaterThan(0);
    expect(await calendar.textContent()).toMatch(/9 go-lives/);
    await page.screenshot({ path: path.join(results, 'golden-overview.png'), fullPage: true });
    await page.close();
  });

  it('changing a filter changes the URL and the numbers', async () => {
    const page = await open(`${goldenServer.url}/?${march}`);
    await expect.poll(() => page.locator('[data-kpi="change_failure_rate"]').textContent()).toMatch(/6 of 9/);
    await page.selectOption('select[name="unit"]', 'change');
    await page.click('button:has-text("Apply")');
    await page.waitForURL(/unit=change/);
    await expect.poll(() => page.locator('[data-kpi="change_failure_rate"]').textContent()).toMatch(/6 of 10/);
    await page.goBack();
    await page.waitForURL((u) => !u.search.includes('unit=change'));
    await expect.poll(() => page.locator('[data-kpi="change_failure_rate"]').textContent()).toMatch(/6 of 9/);
    await page.close();
  });

  it('services are chosen by keyboard: search narrows the list, Enter ticks the one match, Space ticks a box', async () => {
    const page = await open(`${sampleServer.url}/?preset=all`);
    const services = page.locator('details.checklist').first();
    await services.locator('summary').focus();
    await page.keyboard.press('Enter');
    expect(await services.getAttribute('open')).not.toBeNull();
    await page.keyboard.press('Tab');
    await page.keyboard.type('check');
    await expect
      .poll(() => services.locator('.checklist-options label:visible').allTextContents())
      .toEqual(['checkout']);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('pay');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    expect(await services.locator('summary').textContent()).toBe('Services: 2 of 12');
    await page.keyboard.press('Escape');
    expect(await services.getAttribute('open')).toBeNull();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('SUMMARY');
    await page.click('button:has-text("Apply")');
    await page.waitForURL(/service=/);
    expect(new URL(page.url()).searchParams.getAll('service').sort()).toEqual(['checkout', 'payments']);
    await expect
      .poll(() => page.locator('[data-print-scope]').textContent())
      .toMatch(/services checkout, payments|services payments, checkout/);
    await page.close();
  });

  it('a release detail shows its attributed incidents', async () => {
    const page = await open(`${goldenServer.url}/releases?${march}`);
    await page.click('a:text-is("R2")');
    await page.waitForURL(/\/releases\/R2/);
    await expect.poll(() => page.locator('.sentence').textContent()).toMatch(/counts as failed/);
    await expect.poll(() => page.locator('[data-attribution="confirmed"]').textContent()).toMatch(/I2B/);
    await expect.poll(() => page.locator('[data-attribution="likely"] td:first-child').textContent()).toBe('I2');
    await expect.poll(() => page.locator('figure.chart svg').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(results, 'golden-release-R2.png'), fullPage: true });
    await page.close();
  });

  it('an uploaded CSV with one bad row is loaded with that row rejected by line number', async () => {
    const file = path.join(results, 'upload-incidents.csv');
    fs.writeFileSync(
      file,
      'incident_id,opened_at,priority,service\nUP1,2025-03-20T10:00:00Z,3,search\nUP2,2025-03-20T11:00:00Z,9,search\nUP3,2025-03-20T12:00:00Z,4,search\n',
    );
    const page = await open(`${goldenServer.url}/data`);
    await page.setInputFiles('input[name="files"]', file);
    await page.fill('input[name="token"]', token);
    await page.click('button:has-text("Upload and load")');
    await expect
      .poll(() => page.locator('[data-upload="result"]').textContent())
      .toMatch(/^upload-incidents\.csv: incidents, 3 read, 2 loaded \(2 new, 0 changed, 0 unchanged\), 1 rejected/);
    expect(await page.locator('[data-reject-line="3"]').textContent()).toMatch(
      /line 3, column priority: priority must be between 1 and 4, got 9/,
    );
    await page.reload({ waitUntil: 'networkidle' });
    await expect
      .poll(() => page.locator('[data-table="rejects"] tbody').textContent())
      .toMatch(/^6upload-incidents\.csv3priority9/);
    await page.screenshot({ path: path.join(results, 'golden-data-upload.png'), fullPage: true });
    await page.close();
  });

  it('every page renders on the sample without console errors', async () => {
    const pages = [
      ['overview', '/'],
      ['releases', '/releases'],
      ['release-detail', '/releases/REL-00020'],
      ['incidents', '/incidents'],
      ['trends', '/trends?preset=ytd'],
      ['data', '/data'],
    ];
    for (const [name, url] of pages) {
      const page = await open(`${sampleServer.url}${url}`);
      await expect.poll(() => page.locator('main h1').count(), { message: `${name} has a heading` }).toBe(1);
      expect(await page.locator('.error').count(), `${name} shows no error`).toBe(0);
      if (name !== 'data' && name !== 'releases') {
        await expect
          .poll(() => page.locator('figure.chart svg, figure.spark svg').count(), {
            message: `${name} draws its charts`,
          })
          .toBeGreaterThan(0);
      }
      await page.screenshot({ path: path.join(results, `sample-${name}.png`), fullPage: name !== 'overview' });
      await page.close();
    }
    expect(consoleErrors).toEqual([]);
  });

  it("the run rule flags Team Find's planted shift, and phases split at a chosen compare date and event", async () => {
    // Team Find's change failure rate halves from 2025-01-01 (data/sample/README.md): by week, a run below the line
    const page = await open(`${sampleServer.url}/trends?preset=all&team=Team+Find&bucket=week`);
    const cfr = page.locator('figure.chart', {
      has: page.locator('figcaption', { hasText: /^Change failure rate by week$/ }),
    });
    const label = (await cfr.locator(':is([role="img"], [role="group"])[aria-label]').getAttribute('aria-label')) ?? '';
    expect(label).toMatch(
      /weeks in runs on one side of the line \(a sustained shift\), from 2024-1[12]-|from 2025-0[1-3]-/,
    );
    expect(await cfr.locator('circle[fill="#c05621"]').count()).toBeGreaterThanOrEqual(8);
    await page.screenshot({ path: path.join(results, 'sample-trends-run-rule.png'), fullPage: true });
    await page.close();
    const phased = await open(
      // by month, named: without a bucket, two years are shown by week (the trends page's default since its charts need 20 points)
      `${sampleServer.url}/trends?preset=all&team=Team+Find&bucket=month&split=2025-01-01&event=2024-06-01:New+CAB+process`,
    );
    const chart = phased.locator('figure.chart', {
      has: phased.locator('figcaption', { hasText: /^Change failure rate by month$/ }),
    });
    expect(await chart.locator(':is([role="img"], [role="group"])[aria-label]').getAttribute('aria-label')).toMatch(
      /pooled [0-9.]+% from 2024-01-01, then [0-9.]+% from 2024-06-01, then [0-9.]+% from 2025-01-01/,
    );
    expect(await chart.textContent()).toContain('New CAB process');
    expect(await chart.textContent()).toContain('compare 2025-01-01');
    await phased.screenshot({ path: path.join(results, 'sample-trends-phases.png'), fullPage: true });
    await phased.close();
    expect(consoleErrors).toEqual([]);
  });

  it('at a 390 px phone width no page scrolls sideways, and the first release can be tapped', async () => {
    const pages = ['/', '/releases', '/releases/REL-00020', '/incidents', '/trends', '/data'];
    for (const url of pages) {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
      page.on('pageerror', (e) => consoleErrors.push(`${url}: ${e.message}`));
      await page.goto(`${sampleServer.url}${url}`, { waitUntil: 'networkidle' });
      const [scrollWidth, innerWidth] = await page.evaluate(() => [
        document.documentElement.scrollWidth,
        window.innerWidth,
      ]);
      expect(scrollWidth, `${url} is ${scrollWidth} px wide on a ${innerWidth} px screen`).toBeLessThanOrEqual(
        innerWidth,
      );
      expect(await page.locator('nav a', { hasText: 'Data' }).isVisible(), `${url}: Data is in the navigation`).toBe(
        true,
      );
      if (url === '/releases') {
        await page.screenshot({ path: path.join(results, 'sample-phone-releases.png') });
        const first = page.locator('[data-table="units"] tbody a').first();
        const id = await first.textContent();
        await first.tap();
        await page.waitForURL(/\/releases\/.+/);
        await expect.poll(() => page.locator('main h1').textContent()).toContain(id ?? '?');
      }
      await page.close();
    }
    expect(consoleErrors).toEqual([]);
  });

  it('an empty period says what is empty, what the data covers, and links to all of it', async () => {
    const page = await open(`${goldenServer.url}/?from=2020-01-01&to=2020-04-01&team=Team+Ledger`);
    const notice = page.locator('[data-empty="period"]');
    await expect
      .poll(() => notice.textContent())
      .toMatch(
        /^No releases went live between 2020-01-01 and 2020-04-01 \(UTC\) with these filters \(teams Team Ledger\)\. The data covers 20\d\d-\d\d-\d\d to 20\d\d-\d\d-\d\d: show all data or remove the filters\.$/,
      );
    await notice.locator('a', { hasText: 'show all data' }).click();
    await page.waitForURL(/preset=all/);
    expect(await page.locator('[data-empty="period"]').count()).toBe(0);
    expect(await page.locator('.lede').first().textContent()).not.toMatch(/^0 completed/);
    await page.close();
    expect(consoleErrors).toEqual([]);
  });

  it('tiles show their target and status, and the overview says what misses it in one sentence', async () => {
    // golden March: change failure rate 6/9 = 66.7%, 95% interval 35.4%-87.9%, against config/targets.yaml's 15%
    const page = await open(`${goldenServer.url}/?${march}`);
    const target = page.locator('[data-kpi="change_failure_rate"] [data-target]');
    expect(await target.getAttribute('data-target')).toBe('missed');
    expect(await target.textContent()).toBe('off target target ≤ 15.0% (organisation): missed');
    expect(await page.locator('[data-summary]').textContent()).toContain(
      'change failure rate is 66.7%, above the 15.0% target;',
    );
    await page.screenshot({ path: path.join(results, 'golden-overview-targets.png') });
    await page.close();
    expect(consoleErrors).toEqual([]);
  });

  it('"Download report" saves the report for the page\'s filters; it opens with no error and requests nothing', async () => {
    const page = await open(`${goldenServer.url}/?${march}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a[data-report]').click()]);
    expect(download.suggestedFilename()).toBe('releaselens-report-release-2025-03-01-2025-04-01.html');
    const file = path.join(results, 'golden-report.html');
    await download.saveAs(file);
    await page.close();
    const html = fs.readFileSync(file, 'utf8');
    const cfr = expected.kpis.change_failure_rate.value;
    expect(html).toContain(`data-kpi="change_failure_rate" data-value="${cfr}"`);
    // opened from disk, as people keep it: no console error, and no request beyond the file itself
    const viewer = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const requests: string[] = [];
    viewer.on('request', (r) => requests.push(r.url()));
    viewer.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`report: ${m.text()}`);
    });
    viewer.on('pageerror', (e) => consoleErrors.push(`report: ${e.message}`));
    await viewer.goto(`file://${file}`, { waitUntil: 'load' });
    expect(requests.filter((u) => !u.startsWith('file://') && !u.startsWith('data:'))).toEqual([]);
    expect(await viewer.locator('svg').count()).toBeGreaterThan(2);
    expect(await viewer.locator('[data-kpi="change_failure_rate"]').textContent()).toBe(`${(cfr * 100).toFixed(1)}%`);
    await viewer.screenshot({ path: path.join(results, 'golden-report.png') });
    await viewer.close();
    expect(consoleErrors).toEqual([]);
  });

  it('no page has a serious or critical accessibility violation (axe), and a printout names its scope', async () => {
    // axe is injected as a script, which the pages' Content-Security-Policy would refuse
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1400, height: 1000 } });
    const found: string[] = [];
    const queries: Record<string, string> = { '/data': '', '/upcoming': '?from=2026-01-06&days=14' };
    for (const route of [
      '/',
      '/releases',
      '/releases/REL-00790',
      '/incidents',
      '/trends',
      '/review',
      '/upcoming',
      '/data',
    ]) {
      const page = await context.newPage();
      await page.goto(`${sampleServer.url}${route}${queries[route] ?? '?preset=all'}`, {
        waitUntil: 'networkidle',
      });
      await page.addScriptTag({ path: path.join(root, 'node_modules', 'axe-core', 'axe.min.js') });
      const violations = await page.evaluate(async () => {
        const axe = (
          window as unknown as {
            axe: { run: (d: Document) => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> };
          }
        ).axe;
        return (await axe.run(document)).violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id} (${v.nodes.length})`);
      });
      found.push(...violations.map((v) => `${route}: ${v}`));
      if (route === '/') {
        // the first Tab reaches the skip link
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
        await page.emulateMedia({ media: 'print' });
        expect(await page.locator('[data-print-scope]').textContent()).toMatch(
          /^releases, \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2} \(UTC\); all services/,
        );
        expect(await page.locator('[data-print-scope]').isVisible()).toBe(true);
        expect(await page.locator('[data-print-freshness]').textContent()).toMatch(
          /^Data to 2025-12-31 \d\d:\d\d UTC; last loaded \d{4}-\d{2}-\d{2} \d\d:\d\d UTC\.$/,
        );
        expect(await page.locator('form.filters').isVisible()).toBe(false);
      }
      await page.close();
    }
    await context.close();
    expect(found).toEqual([]);
  });

  it("the incident charts are drawn from counts, and a Pareto bar's count is the incidents it leads to", async () => {
    const page = await open(`${sampleServer.url}/incidents?preset=all`);
    const figure = (caption: RegExp) =>
      page.locator('figure.chart', { has: page.locator('figcaption', { hasText: caption }) });
    for (const caption of [
      /^Attributed incidents by service and week$/,
      /^Hours from go-live to incident$/,
      /^Pareto by configuration item$/,
      /^Pareto by category$/,
      /^Attributed incidents by weekday and hour of go-live$/,
      /^By type and risk of the unit$/,
    ])
      await expect.poll(() => figure(caption).locator('svg').count(), { message: String(caption) }).toBeGreaterThan(0);
    const bar = figure(/^Pareto by configuration item$/)
      .locator('svg a')
      .first();
    const title = (await bar.locator('title').first().textContent()) ?? '';
    const [, ci, n] = /^(.+): (\d+) incidents, /.exec(title) ?? [];
    expect(Number(n)).toBeGreaterThan(0);
    await bar.locator('rect').first().click();
    await page.waitForURL(/[?&]ci=/);
    expect(new URL(page.url()).searchParams.get('ci')).toBe(ci);
    await expect
      .poll(() =>
        page
          .locator('.toolbar span', { hasText: / incidents$/ })
          .first()
          .textContent(),
      )
      .toBe(`${Number(n).toLocaleString('en-US')} incidents`);
    // the charts and the window comparison still describe the whole period (they leave the table's filters out)
    await expect
      .poll(() =>
        figure(/^Pareto by configuration item$/)
          .locator('svg a title')
          .first()
          .textContent(),
      )
      .toBe(title);
    await expect.poll(() => page.locator('table[data-table="sensitivity"]').count()).toBe(1);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it('a heatmap cell leads to the units that went live in its slot', async () => {
    const page = await open(`${sampleServer.url}/incidents?preset=all`);
    const heatmap = page.locator('figure.chart', {
      has: page.locator('figcaption', { hasText: /^Change failure rate by weekday and hour of go-live$/ }),
    });
    // Plot writes the link as xlink:href
    const link = heatmap.locator('svg a').first();
    await expect.poll(() => link.count()).toBe(1);
    expect(await link.evaluate((a) => a.getAttributeNS('http://www.w3.org/1999/xlink', 'href'))).toMatch(
      /^\/releases\?preset=all&weekday=\d&hour_band=\d+$/,
    );
    const title = (await link.locator('title').first().textContent()) ?? '';
    const units = Number(/: \d+ of (\d+) failed/.exec(title)?.[1]);
    expect(units).toBeGreaterThan(0);
    await link.locator('rect').click({ position: { x: 4, y: 4 } }); // a corner: the count sits in the middle
    await page.waitForURL(/\/releases\?.*weekday=\d&hour_band=\d+/);
    await expect.poll(() => page.locator('[data-slot]').count()).toBe(1);
    expect(
      await page
        .locator('.toolbar span', { hasText: /releases$/ })
        .first()
        .textContent(),
    ).toBe(`${units} releases`);
    await page.screenshot({ path: path.join(results, 'sample-heatmap-drilldown.png') });
    await page.close();
    expect(consoleErrors).toEqual([]);
  });
});
