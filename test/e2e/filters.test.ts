/**
 * Screens people keep open: the filter bar tells the truth after every way the
 * view changes (a link in a table, Reset, Back); the trends page keeps its
 * compare date and events when a filter changes; the keyboard reaches the
 * first release in a few presses and lands on the heading after a navigation;
 * a phone's releases list shows the outcome.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, build, database, launchBrowser, root, type Server, serve } from './server.ts';

const input = path.join(root, 'test', 'fixtures', 'golden', 'input');
const march = 'from=2025-03-01&to=2025-04-01&as_of=2025-04-15T00:00:00Z';

const haveBrowser = browserAvailable();

describe.skipIf(!haveBrowser)('filters that stay true', () => {
  let server: Server;
  let browser: Browser;

  beforeAll(async () => {
    build();
    server = await serve(
      database(
        'filters',
        fs.readdirSync(input).map((f) => path.join(input, f)),
      ),
    );
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** What the filter bar shows: the ticked teams and services, the period select and the dates. */
  const bar = (page: Page) =>
    page.evaluate(() => {
      const form = document.querySelector('form[aria-label="Filters"]') as HTMLFormElement;
      const ticked = (name: string) =>
        [...form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((i) => i.value);
      return {
        team: ticked('team'),
        service: ticked('service'),
        preset: (form.querySelector('select[name="preset"]') as HTMLSelectElement).value,
        from: (form.querySelector('input[name="from"]') as HTMLInputElement).value,
      };
    });

  it('after a table link, Reset and Back, the filter bar shows what the page is filtered by', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/?${march}`, { waitUntil: 'networkidle' });
    expect(await bar(page)).toMatchObject({ team: [], service: [], from: '2025-03-01' });
    const link = page.locator('[data-table="breakdown-team"] tbody tr td:first-child a').first();
    const team = (await link.textContent())?.trim() ?? '';
    await link.click(); // a client-side navigation to ?team=...
    await page.waitForURL(/team=/);
    await page.waitForFunction(
      (t) => [...document.querySelectorAll<HTMLInputElement>('input[name="team"]:checked')].some((i) => i.value === t),
      team,
    );
    expect(await bar(page)).toMatchObject({ team: [team], service: [] });
    await page.getByRole('link', { name: 'Reset' }).click();
    await page.waitForURL((u) => !u.search.includes('team='));
    await page.waitForFunction(() => document.querySelectorAll('input[name="team"]:checked').length === 0);
    expect((await bar(page)).team).toEqual([]);
    await page.goBack();
    await page.waitForURL(/team=/);
    await page.waitForFunction(() => document.querySelectorAll('input[name="team"]:checked').length === 1);
    expect((await bar(page)).team).toEqual([team]);
    await page.close();
  });

  it('trends keep the compare date and the events when a filter changes', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/trends?from=2025-01-01&to=2025-04-01&split=2025-03-01&event=2025-03-20:New%20CAB`, {
      waitUntil: 'networkidle',
    });
    await page.selectOption('select[name="unit"]', 'change');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/unit=change/);
    const url = new URL(page.url());
    expect(url.searchParams.get('split')).toBe('2025-03-01');
    expect(url.searchParams.getAll('event')).toEqual(['2025-03-20:New CAB']);
    expect(url.searchParams.get('bucket')).toBe('week');
    await page.waitForSelector('text=The compare date and each event start a new phase');
    // a p-chart point leads to the units of its week, its count in its name
    const point = page.locator('figure.chart a[aria-label$="units), click for these units"]').first();
    const label = (await point.getAttribute('aria-label')) ?? '';
    const [, week = '', n] = /^(\d{4}-\d{2}-\d{2}): [\d.]+% \(\d+ of (\d+) units\)/.exec(label) ?? [];
    expect(week).not.toBe('');
    await point.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/releases\?/);
    const target = new URL(page.url());
    expect(target.searchParams.get('unit')).toBe('change');
    expect(target.searchParams.get('from')).toBe(week < '2025-01-01' ? '2025-01-01' : week);
    expect(target.searchParams.get('split')).toBeNull();
    await page.waitForSelector('[data-table="units"]');
    // the week's completed units are among the rows (the list also keeps those due then and not live)
    expect(await page.locator('[data-table="units"] tbody tr').count()).toBeGreaterThanOrEqual(Number(n));
    await page.close();
  });

  it('the keyboard reaches the first release in three presses, and lands on the heading after a navigation', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/releases?${march}`, { waitUntil: 'networkidle' });
    const focused = () =>
      page.evaluate(() => {
        const e = document.activeElement as HTMLElement;
        return { tag: e.tagName, text: (e.textContent ?? '').trim(), href: e.getAttribute('href') ?? '' };
      });
    // a page load leaves focus where the browser puts it (no ring drawn round the heading); only a navigation moves it
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('BODY');
    let presses = 0;
    await page.keyboard.press('Tab');
    presses++;
    expect(await focused()).toMatchObject({ text: 'Skip to content' });
    await page.keyboard.press('Tab');
    presses++;
    expect(await focused()).toMatchObject({ text: 'Skip to the results' });
    await page.keyboard.press('Enter');
    presses++;
    const first = await focused();
    expect(first.href).toMatch(/^\/releases\/R\d+\?/);
    expect(presses).toBeLessThanOrEqual(15);
    // the first release opens with Enter; focus is then on its page's heading
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/releases\/R\d+/);
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
    expect((await focused()).text).toContain(first.text);
    await page.getByRole('link', { name: 'Trends' }).click();
    await page.waitForFunction(() => document.activeElement?.textContent === 'Trends');
    await page.close();
  });

  it('a phone keeps the outcome, the service and the go-live of each release in view', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${server.url}/releases?${march}`, { waitUntil: 'networkidle' });
    const headers = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('[data-table="units"] thead th')]
        .filter((th) => th.getBoundingClientRect().width > 0)
        .map((th) => ({ text: (th.textContent ?? '').trim(), right: th.getBoundingClientRect().right })),
    );
    expect(headers.map((h) => h.text)).toEqual([
      expect.stringMatching(/^Id/),
      expect.stringMatching(/^Service/),
      expect.stringMatching(/^Actual go-live/),
      expect.stringMatching(/^Failed/),
    ]);
    for (const h of headers) expect(h.right).toBeLessThanOrEqual(390);
    await page.close();
  });

  it('a chip per active filter removes just that filter', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/?${march}&service=payments&service=search`, { waitUntil: 'networkidle' });
    expect(await page.locator('[data-chips] a').allTextContents()).toEqual([
      'Service: payments ×',
      'Service: search ×',
    ]);
    await page.getByRole('link', { name: 'Remove the filter Service: payments' }).click();
    await page.waitForURL((u) => !u.search.includes('payments'));
    expect(new URL(page.url()).searchParams.getAll('service')).toEqual(['search']);
    await page.waitForFunction(() => document.querySelectorAll('input[name="service"]:checked').length === 1);
    expect((await bar(page)).service).toEqual(['search']);
    await page.close();
  });

  it('every incident chart mark leads to the records it counts: the table, its count and its download agree', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/incidents?${march}`, { waitUntil: 'networkidle' });
    await page.waitForSelector('figure [role="group"] a');
    const headline = /^\S+ incidents attributed/.exec((await page.locator('.lede').textContent()) ?? '')?.[0] ?? '?';
    // one mark of each figure that leads to incidents: its name, and the count in it
    const marks = await page.$$eval('figure.chart', (figures) =>
      figures
        .map((f) => {
          const a = [...f.querySelectorAll<SVGAElement>('a')].find((x) =>
            (x.getAttribute('href') ?? '').startsWith('/incidents'),
          );
          const label = a?.getAttribute('aria-label') ?? '';
          const count = /: (\d+) incidents?|^(\d+) /.exec(label);
          return a
            ? {
                figure: f.querySelector('figcaption')?.textContent ?? '',
                label,
                count: Number(count?.[1] ?? count?.[2]),
              }
            : null;
        })
        .filter((m) => m !== null),
    );
    expect(marks.map((m) => m.figure).sort()).toEqual([
      'Attributed incidents by service and week',
      'Attributed incidents by weekday and hour of go-live',
      'By type and risk of the unit',
      'Hours from go-live to incident',
      'Pareto by category',
      'Pareto by configuration item',
    ]);
    for (const m of marks) {
      await page.goto(`${server.url}/incidents?${march}`, { waitUntil: 'networkidle' });
      const link = page
        .locator(`figure.chart:has(figcaption:text-is("${m.figure}")) a[aria-label="${m.label}"]`)
        .first();
      await link.focus();
      await page.keyboard.press('Enter'); // by keyboard
      await page.waitForURL((u) => u.hash === '#incidents');
      await page.waitForFunction(
        (n) => document.querySelector('[data-matching]')?.getAttribute('data-matching') === String(n),
        m.count,
      );
      // the headline still counts the period (as the charts do), and says what the table keeps; a mark that
      // narrows the page's own unit filters (a unit service, a unit type) narrows the headline with them
      const narrowsPage = /[?&](service|type)=/.test(new URL(page.url()).search);
      if (!narrowsPage) expect(await page.locator('.lede').textContent()).toContain(headline);
      expect(await page.locator('.lede').textContent()).toContain(`the table below keeps the ${m.count} that match`);
      const rows = await page.locator('[data-table="incidents"] tbody tr').count();
      expect({ mark: m.label, rows }).toEqual({ mark: m.label, rows: Math.min(m.count, 50) });
      // the download holds the same records
      const csv = await (await fetch(`${server.url}/download/incidents/csv${new URL(page.url()).search}`)).text();
      expect({ mark: m.label, csvRows: csv.trim().split('\n').length - 1 }).toEqual({
        mark: m.label,
        csvRows: m.count,
      });
    }
    await page.close();
  });

  it('on a phone the filters fold behind one button that counts the active ones, with 44 px tap targets', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    await page.goto(`${server.url}/releases?${march}&team=Team+Ledger`, { waitUntil: 'networkidle' });
    const toggle = page.getByRole('button', { name: 'Filters (1 active)' });
    await toggle.waitFor();
    expect(await page.locator('form[aria-label="Filters"]').isVisible()).toBe(false);
    const box = await toggle.boundingBox();
    expect(box?.height).toBeGreaterThanOrEqual(44);
    await toggle.tap();
    expect(await page.locator('form[aria-label="Filters"]').isVisible()).toBe(true);
    // every visible control of the page, the table's links and the pager included, is at least 44 px tall
    const small = await page.evaluate(() =>
      [...document.querySelectorAll('main :is(a, button, select, input:not([type="hidden"]), summary)')]
        .filter(
          (e) =>
            (e as HTMLElement).offsetParent !== null &&
            !e.closest('svg, figure, dl, details:not([open]) > :not(summary)'),
        )
        .map((e) => ({ e, box: e.getBoundingClientRect() }))
        .filter(({ box }) => box.width > 0 && box.height < 44)
        .map(
          ({ e, box }) =>
            `${e.tagName} ${(e.textContent ?? '').trim().slice(0, 30) || e.getAttribute('name')}: ${box.height.toFixed(0)} px`,
        ),
    );
    expect(small).toEqual([]);
    await page.close();
  });

  it('the filter controls are one Tab stop each: the dates are one text box each', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/releases?${march}`, { waitUntil: 'networkidle' });
    await page.focus('form[aria-label="Filters"] select[name="preset"]');
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      names.push(await page.evaluate(() => (document.activeElement as HTMLInputElement).name));
    }
    expect(names).toEqual(['from', 'to', 'unit']);
    // a date typed by keyboard is checked by the browser before it is sent
    await page.focus('form[aria-label="Filters"] input[name="from"]');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('1 March');
    expect(await page.$eval('input[name="from"]', (e) => (e as HTMLInputElement).validity.patternMismatch)).toBe(true);
    await page.close();
  });

  it("a backlog chart point leads to the units it counts, and a release timeline's incident dot to its record", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/trends?from=2025-01-01&to=2025-07-01&as_of=2025-07-15T00:00:00Z&bucket=month`, {
      waitUntil: 'networkidle',
    });
    // by mouse: a press on a point follows its link (the tip Plot pins on a press does not swallow it)
    await page.locator('figure a[aria-label*="units), click for these units"]').first().click();
    await page.waitForURL(/\/releases\?/);
    await page.goBack();
    await page.waitForSelector('figure a[aria-label*="in backlog at the start of"]');
    const labels = await page.$$eval('figure a[aria-label*="in backlog at the start of"]', (links) =>
      links.map((a) => a.getAttribute('aria-label') ?? ''),
    );
    expect(labels.length).toBeGreaterThan(3);
    const counted = labels
      .map((l) => ({ label: l, count: Number(/^(\d+)/.exec(l)?.[1]) }))
      .sort((a, b) => b.count - a.count)[0];
    expect(counted?.count).toBeGreaterThan(0);
    // reached by keyboard, a chart's link shows where the focus is
    await page.locator(`figure a[aria-label="${counted?.label}"]`).focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(counted?.label);
    expect(await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle)).not.toBe(
      'none',
    );
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/releases\?.*backlog_at=/);
    await page.waitForSelector('[data-backlog]');
    expect(await page.locator('[data-table="units"] tbody tr').count()).toBe(counted?.count);
    expect(await page.locator('[data-backlog]').textContent()).toContain(`Only the ${counted?.count} release`);
    // the page's own download is the same units
    const csvHref = await page.locator('a[href^="/releases.csv"]').first().getAttribute('href');
    const csv = await (await fetch(`${server.url}${csvHref}`)).text();
    expect(csv.trim().split('\n').length - 1).toBe(counted?.count);
    // Back returns to the chart
    await page.goBack();
    await page.waitForSelector('figure a[aria-label*="in backlog at the start of"]');

    // an overview sparkline's month leads to the units that went live that month
    await page.goto(`${server.url}/?${march}`, { waitUntil: 'networkidle' });
    const month = page.locator('figure a[aria-label*="the units of that month"]').last();
    const monthName = (await month.getAttribute('aria-label')) ?? '';
    const ym = monthName.slice(0, 7);
    await month.click();
    await page.waitForURL(/\/releases\?/);
    const at = new URL(page.url()).searchParams;
    expect(at.get('from')).toBe(`${ym}-01`);
    expect((at.get('to') ?? '').slice(0, 7) > ym).toBe(true);

    // a release with attributed incidents: its timeline's dots lead to their rows
    await page.goto(`${server.url}/releases?${march}&sort=likely_incidents&dir=desc`, { waitUntil: 'networkidle' });
    await page.locator('[data-table="units"] tbody tr td a').first().click();
    await page.waitForSelector('[data-table="unit-incidents"]');
    const dot = page.locator('figure a[aria-label^="incident "]').first();
    const name = (await dot.getAttribute('aria-label')) ?? '';
    const id = /^incident (\S+),/.exec(name)?.[1] ?? '';
    expect(id).not.toBe('');
    await dot.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction((i) => location.hash === `#${encodeURIComponent(`incident-${i}`)}`, id);
    expect(await page.locator('tr:target').getAttribute('id')).toBe(`incident-${id}`);
    // and a deployment's bar to its row in the deployments table
    const bars = await page.$$eval('figure a[aria-label]', (links) =>
      links.map((l) => l.getAttribute('aria-label') ?? '').filter((l) => / · (production|staging) · /.test(l)),
    );
    expect(bars.length).toBeGreaterThan(0);
    const deployment = bars[0]?.split(' · ')[0] ?? '';
    await page.locator(`figure a[aria-label="${bars[0]}"]`).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction((i) => location.hash === `#${encodeURIComponent(`deployment-${i}`)}`, deployment);
    expect(await page.locator('tr:target').getAttribute('id')).toBe(`deployment-${deployment}`);
    await page.close();
  });

  it("no two texts of a chart overlap (axis labels, ticks, the key's entries) on trends and incident patterns", async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    for (const address of [
      `/trends?from=2025-01-01&to=2025-07-01&as_of=2025-07-15T00:00:00Z&bucket=week`,
      `/incidents?${march}`,
    ]) {
      await page.goto(`${server.url}${address}`, { waitUntil: 'networkidle' });
      await page.waitForSelector('figure svg');
      const overlaps = await page.evaluate(() => {
        const found: string[] = [];
        for (const svg of document.querySelectorAll('figure svg')) {
          const texts = [...svg.querySelectorAll('text')]
            // rotated tick labels (the Paretos') lean apart though their upright boxes overlap
            .filter((t) => (t.textContent ?? '').trim() !== '' && !t.closest('[transform*="rotate"]'))
            .map((t) => ({ text: (t.textContent ?? '').trim(), box: t.getBoundingClientRect() }))
            .filter(({ box }) => box.width > 0);
          for (let a = 0; a < texts.length; a++)
            for (let b = a + 1; b < texts.length; b++) {
              const x = texts[a];
              const y = texts[b];
              if (!x || !y) continue;
              const w = Math.min(x.box.right, y.box.right) - Math.max(x.box.left, y.box.left);
              const h = Math.min(x.box.bottom, y.box.bottom) - Math.max(x.box.top, y.box.top);
              if (w > 1 && h > 1) found.push(`${x.text} / ${y.text}`);
            }
        }
        return found;
      });
      expect(overlaps, address).toEqual([]);
    }
    await page.close();
  });
});
