// @vitest-environment jsdom
/** Route components rendered with their real loaders: what a user reads without JavaScript-drawn charts. */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as overview from '../../app/routes/_index.tsx';
import * as releases from '../../app/routes/releases._index.tsx';
import * as releaseDetail from '../../app/routes/releases.$id.tsx';
import * as trends from '../../app/routes/trends.tsx';
import { freshDatabase, goldenInput, loadFolder } from '../helpers.ts';
import { renderRoute, waitForText } from './helpers.tsx';

const march = 'from=2025-03-01&to=2025-04-01&as_of=2025-04-15T00:00:00Z';
let cleanup: (() => void) | undefined;

beforeAll(async () => {
  freshDatabase();
  await loadFolder(goldenInput);
});

afterEach(() => {
  cleanup?.();
  document.body.innerHTML = '';
});

describe('route components', () => {
  it('overview tiles show value, numerator/denominator, interval and DORA band', async () => {
    const { container, unmount } = await renderRoute('/', overview, `/?${march}`);
    cleanup = unmount;
    await waitForText(container, 'Change failure rate');
    const tile = container.querySelector('[data-kpi="change_failure_rate"]');
    expect(tile?.textContent).toMatch(/66\.7%/);
    expect(tile?.textContent).toMatch(/6 of 9 · 95% CI 35\.4%–87\.9%/);
    expect(tile?.textContent).toMatch(/DORA\s*low/);
    expect(container.querySelector('[data-kpi="success_rate"] .value')?.textContent).toBe('33.3%');
    expect(container.querySelector('[data-kpi="freeze_violations"]')?.textContent).toBe('1');
    // DORA rates a service's cadence: payments and search each deployed 5 times in March's 31/7 weeks
    const frequency = container.querySelector('[data-kpi="deployment_frequency_per_week"]')?.textContent;
    expect(frequency).toMatch(/2\.3\/wk/);
    expect(frequency).toMatch(/DORA\s*high .*from the median service: 1\.1\/wk across 2 services/);
    expect(container.querySelector('[data-table="breakdown-team"]')?.textContent).toMatch(/Team Ledger/);
  });

  it('overview says which KPIs do not apply to deployments instead of comparing empty periods', async () => {
    const { container, unmount } = await renderRoute('/', overview, `/?${march}&unit=deployment`);
    cleanup = unmount;
    await waitForText(container, 'Change failure rate');
    for (const key of ['lead_time_hours', 'schedule_adherence']) {
      const tile = container.querySelector(`[data-kpi="${key}"]`)?.textContent ?? '';
      expect(tile).toMatch(/n\/a/);
      expect(tile).toMatch(/does not apply to deployments/);
      expect(tile).not.toMatch(/previous period/);
    }
    expect(container.querySelector('[data-kpi="change_failure_rate"]')?.textContent).not.toMatch(/n\/a/);
  });

  it('overview shows a clear message for a bad parameter', async () => {
    const { container, unmount } = await renderRoute('/', overview, '/?window=abc');
    cleanup = unmount;
    await waitForText(container, 'Some filter values are not valid');
    expect(container.textContent).toMatch(/window: Invalid input: expected number/);
  });

  it('releases table links each unit and pages', async () => {
    const { container, unmount } = await renderRoute('/releases', releases, `/releases?${march}&sort=unit_id&dir=asc`);
    cleanup = unmount;
    await waitForText(container, 'R11');
    const ids = [...container.querySelectorAll('[data-table="units"] tbody tr td:first-child')].map(
      (td) => td.textContent,
    );
    expect(ids).toEqual(['R1', 'R11', 'R12', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7', 'R8', 'R9']);
    expect(container.textContent).toMatch(/Page 1 of 1/);
  });

  it('release detail says why it failed and lists its incidents', async () => {
    const { container, unmount } = await renderRoute('/releases/:id', releaseDetail, `/releases/R5?${march}`);
    cleanup = unmount;
    await waitForText(container, 'counts as failed');
    expect(container.querySelector('.sentence')?.textContent).toMatch(/incident I5 \(P1, confirmed\)/);
    expect(container.querySelector('[data-attribution="confirmed"]')?.textContent).toMatch(/I5/);
  });

  it('release detail shows a 404 page for an unknown id', async () => {
    const { container, unmount } = await renderRoute('/releases/:id', releaseDetail, `/releases/R404?${march}`);
    cleanup = unmount;
    await waitForText(container, 'Not found');
    expect(container.textContent).toMatch(/no release with id 'R404'/);
  });

  it('trends compares before and after a date', async () => {
    const { container, unmount } = await renderRoute('/trends', trends, `/trends?${march}&split=2025-03-15`);
    cleanup = unmount;
    await waitForText(container, 'Before and after 2025-03-15');
    expect(container.querySelector('[data-table="comparison"]')?.textContent).toMatch(
      /Change failure rate60\.0% \(3\/5\)75\.0% \(3\/4\)\+15\.0 pts/,
    );
  });
});
