/** Every route's loader against the golden data: numbers, parameters, bad parameters, 404s. */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as overview from '../../app/routes/_index.tsx';
import * as apiCalendar from '../../app/routes/api.calendar.ts';
import * as apiKpis from '../../app/routes/api.kpis.ts';
import * as apiUnits from '../../app/routes/api.units.ts';
import * as data from '../../app/routes/data.tsx';
import * as download from '../../app/routes/download.$table.$format.ts';
import * as incidents from '../../app/routes/incidents.tsx';
import * as releases from '../../app/routes/releases._index.tsx';
import * as releaseDetail from '../../app/routes/releases.$id.tsx';
import * as releasesCsv from '../../app/routes/releases[.]csv.ts';
import * as trends from '../../app/routes/trends.tsx';
import { fixtures, freshDatabase, goldenInput, loadFolder, withoutGovernance } from '../helpers.ts';
import { callLoader } from './helpers.tsx';

const march = 'from=2025-03-01&to=2025-04-01&as_of=2025-04-15T00:00:00Z';
const expected = (name: string) => JSON.parse(fs.readFileSync(path.join(fixtures, 'golden', 'expected', name), 'utf8'));

beforeAll(async () => {
  freshDatabase();
  await loadFolder(goldenInput);
});

describe('/api/kpis', () => {
  it('returns exactly the golden objects for the same parameters', async () => {
    for (const [query, file] of [
      [march, 'release.json'],
      [`${march}&unit=change`, 'change.json'],
      [`${march}&unit=deployment`, 'deployment.json'],
      [`${march}&tz=America/New_York`, 'release-new-york.json'],
      [`${march}&window=24&severity=3`, 'release-window24-p3.json'],
    ]) {
      const { data: res } = await callLoader(apiKpis.loader, `/api/kpis?${query}`);
      expect(withoutGovernance(await (res as Response).json()), file).toEqual(expected(file as string));
    }
  });

  it('answers 400 naming each bad parameter', async () => {
    const { thrown } = await callLoader(
      apiKpis.loader,
      '/api/kpis?from=2025-03-01&to=2025-04-01&window=0&severity=9&unit=sprint',
    );
    expect(thrown?.status).toBe(400);
    const text = await thrown?.text();
    expect(text).toMatch(/unit: Invalid option: expected one of "release"\|"change"\|"deployment"/);
    expect(text).toMatch(/window: must be at least 1 hour/);
    expect(text).toMatch(/severity: Too big/);
  });

  it('takes a window only as whole hours from 1 to 2160: each other value would build and keep a store', async () => {
    for (const [window, message] of [
      ['1.5', /window: must be a whole number of hours/],
      ['2161', /window: at most 2160 hours/],
      ['1e9', /window: at most 2160 hours/],
      ['-3', /window: must be at least 1 hour/],
      ['x', /window: Invalid input: expected number/],
    ] as const) {
      const { thrown } = await callLoader(apiKpis.loader, `/api/kpis?${march}&window=${window}`);
      expect(thrown?.status, window).toBe(400);
      expect(await thrown?.text()).toMatch(message);
    }
  });

  it('answers 400 for an unknown parameter', async () => {
    const { thrown } = await callLoader(apiKpis.loader, `/api/kpis?${march}&colour=red`);
    expect(thrown?.status).toBe(400);
    expect(await thrown?.text()).toMatch(/unknown parameter: colour/);
  });

  it('defaults the period to the newest full quarter of data', async () => {
    const { data: res } = await callLoader(apiKpis.loader, '/api/kpis');
    const body = await (res as Response).json();
    expect(body.period).toEqual({ from: '2025-01-01', to: '2025-04-01', timezone: 'UTC' });
  });

  it('offers the last 12 months of data and all data as presets', async () => {
    const period = async (preset: string) =>
      (await ((await callLoader(apiKpis.loader, `/api/kpis?preset=${preset}`)).data as Response).json()).period;
    const days30 = await period('30d');
    const months12 = await period('12m');
    const all = await period('all');
    // all three end after the last day with data; 12 months start one year before that end
    expect(months12.to).toBe(days30.to);
    expect(all.to).toBe(days30.to);
    const end = new Date(`${months12.to}T00:00:00Z`);
    expect(months12.from).toBe(
      new Date(Date.UTC(end.getUTCFullYear() - 1, end.getUTCMonth(), end.getUTCDate())).toISOString().slice(0, 10),
    );
    // all data starts on the first day with data: the golden records begin in February 2025
    expect(all.from.startsWith('2025-02')).toBe(true);
  });
});

describe('overview', () => {
  it('shows the golden numbers in its tiles and a previous period of equal length', async () => {
    const { data: d } = await callLoader(overview.loader, `/?${march}`);
    expect(withoutGovernance(d?.report)).toEqual(expected('release.json'));
    expect(d?.previousPeriod).toMatchObject({ from: '2025-01-29', to: '2025-03-01' });
    expect(d?.tiles.find((t) => t.spec.key === 'change_failure_rate')?.value).toBeCloseTo(0.666667, 6);
    expect(d?.breakdown.find((b) => b.dimension === 'service' && b.name === 'payments')).toMatchObject({
      completed: 4,
      failed: 3,
    });
    expect(d?.calendar.windows.map((w) => w.window_id)).toEqual(['F1', 'F2']);
    // the go-lives come from /api/calendar: one per completed unit of the period
    const { data: res } = await callLoader(apiCalendar.loader, `/api/calendar?${march}`);
    const goLives = await (res as Response).json();
    expect(goLives.unit_id).toHaveLength(9);
    expect(goLives.unit_id).toHaveLength(d?.report.kpis.completed ?? -1);
  });

  it('throws a 400 for a bad period', async () => {
    const { thrown } = await callLoader(overview.loader, '/?from=2025-04-01&to=2025-03-01');
    expect(thrown?.status).toBe(400);
    expect(await thrown?.text()).toMatch(/to: from must be before to/);
  });
});

describe('releases', () => {
  it('lists the units of the period, sorted and filtered through the URL', async () => {
    const { data: d } = await callLoader(releases.loader, `/releases?${march}&sort=unit_id&dir=asc&outcome=failed`);
    expect(d?.rows.map((r) => r.unit_id)).toEqual(['R11', 'R12', 'R2', 'R3', 'R5', 'R7']);
  });

  it('downloads exactly the current view as CSV', async () => {
    const { data: res } = await callLoader(
      releasesCsv.loader,
      `/releases.csv?${march}&q=payments&sort=unit_id&dir=asc`,
    );
    const lines = (await (res as Response).text()).trim().split('\n');
    expect(lines[0]).toMatch(/^unit_id,title,unit_type,service/);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['R1', 'R11', 'R2', 'R5', 'R8', 'R9']);
  });

  it('shows one release with its incidents and a verdict', async () => {
    const { data: d } = await callLoader(releaseDetail.loader, `/releases/R2?${march}`, { id: 'R2' });
    expect(d?.detail.incidents.map((i) => [i.incident_id, i.attribution])).toEqual([
      ['I2B', 'confirmed'],
      ['I2', 'likely'],
    ]);
    expect(d?.sentence).toBe(
      'This release counts as failed because incident I2 (P2, likely) of priority P1-P2 is attributed to it.',
    );
  });

  it('answers 404 for an unknown release', async () => {
    const { thrown } = await callLoader(releaseDetail.loader, `/releases/NOPE?${march}`, { id: 'NOPE' });
    expect(thrown?.status).toBe(404);
    expect(await thrown?.text()).toMatch(/no release with id 'NOPE'/);
  });
});

describe('incident patterns, trends, data, downloads', () => {
  it('lists attributed incidents with their rule and filters by rule', async () => {
    const { data: d } = await callLoader(incidents.loader, `/incidents?${march}&rule=confirmed`);
    expect(d?.total).toBe(7); // I2B, I2, I4, I5, I6A, I7B, I12 (I10 goes to R10, which went live in February)
    expect(d?.rows.map((r) => r.incident_id).sort()).toEqual(['I2B', 'I5']);
    const bad = await callLoader(incidents.loader, `/incidents?${march}&priority=9`);
    expect(bad.thrown?.status).toBe(400);
  });

  it('filters the incidents by their own service, CI, category and problem, in the table and its totals', async () => {
    const { data: all } = await callLoader(incidents.loader, `/incidents?${march}`);
    const rows = all?.rows ?? [];
    for (const [param, field] of [
      ['incident_service', 'incident_service'],
      ['ci', 'incident_ci'],
      ['category', 'category'],
      ['problem', 'problem_id'],
    ] as const) {
      const value = rows.find((r) => r[field])?.[field];
      if (!value) continue;
      const { data: d } = await callLoader(
        incidents.loader,
        `/incidents?${march}&${param}=${encodeURIComponent(value)}`,
      );
      const expected = rows.filter((r) => r[field] === value).length; // the golden period fits on one page
      expect(d?.matching, `${param}=${value}`).toBe(expected);
      expect(d?.rows.every((r) => r[field] === value)).toBe(true);
      expect(d?.total).toBe(expected);
    }
    expect(rows.some((r) => r.category)).toBe(true);
    const long = await callLoader(incidents.loader, `/incidents?${march}&ci=${'x'.repeat(201)}`);
    expect(long.thrown?.status).toBe(400);
  });

  it('builds p-charts and a before/after comparison', async () => {
    const { data: whole } = await callLoader(trends.loader, `/trends?${march}&bucket=week`);
    const pooled = whole?.charts.find((c) => c.spark === 'failure');
    expect(pooled?.points.reduce((s, p) => s + p.n, 0)).toBe(9);
    expect(pooled?.points[0]?.centre).toBeCloseTo(6 / 9, 6);
    // a chosen compare date starts a second phase: each phase pooled over its own weeks
    const { data: d } = await callLoader(trends.loader, `/trends?${march}&bucket=week&split=2025-03-15`);
    const cfr = d?.charts.find((c) => c.spark === 'failure');
    expect(cfr?.points.reduce((s, p) => s + p.n, 0)).toBe(9);
    expect(new Set(cfr?.points.map((p) => p.phase))).toEqual(new Set([0, 1]));
    for (const phase of [0, 1]) {
      const inPhase = cfr?.points.filter((p) => p.phase === phase) ?? [];
      const k = inPhase.reduce((s, p) => s + p.k, 0);
      const n = inPhase.reduce((s, p) => s + p.n, 0);
      for (const p of inPhase) expect(p.centre).toBeCloseTo(k / n, 12);
    }
    expect(cfr?.points.every((p) => (p.phase === 0) === p.bucket_start < '2025-03-15')).toBe(true);
    const before = d?.comparison.find((c) => c.key === 'change_failure_rate');
    expect(before?.before).toMatchObject({ numerator: 3, denominator: 5 });
    // a compare date outside the period (the period changed under it) is set aside and said so, not an error
    const { data: outside } = await callLoader(trends.loader, `/trends?${march}&split=2030-01-01`);
    expect(outside?.chosenSplit).toBeNull();
    expect(outside?.notes).toContain('The compare date 2030-01-01 is outside 2025-03-01 to 2025-04-01: not used.');
    expect(outside?.carry).toEqual({ bucket: 'week', event: [] });
    expect((await callLoader(trends.loader, `/trends?${march}&split=soon`)).thrown?.status).toBe(400);
    const { data: marked } = await callLoader(trends.loader, `/trends?${march}&event=2025-03-20:New%20CAB`);
    expect(marked?.events).toEqual([{ date: '2025-03-20', label: 'New CAB' }]);
    expect((await callLoader(trends.loader, `/trends?${march}&event=soon`)).thrown?.status).toBe(400);
    // an event outside the period is kept in the address for later, not marked now
    const { data: later } = await callLoader(
      trends.loader,
      `/trends?${march}&event=2025-03-20:New%20CAB&event=2025-06-01:Freeze`,
    );
    expect(later?.events).toEqual([{ date: '2025-03-20', label: 'New CAB' }]);
    expect(later?.carry.event).toEqual(['2025-03-20:New CAB', '2025-06-01:Freeze']);
    expect(later?.notes).toContain('Outside 2025-03-01 to 2025-04-01, not marked: 2025-06-01 (Freeze).');
    // a month by week is five points: the page says they are too few to judge a process
    expect(later?.notes).toContain(
      'Only 5 weeks with units: limits over fewer than 20 points say little about the process. Choose a longer period.',
    );
  });

  it('trends default to the last 12 months by week: enough points for the limits to mean something', async () => {
    const { data } = await callLoader(trends.loader, '/trends?as_of=2025-04-15T00:00:00Z');
    expect(data?.filters.state.preset).toBe('12m');
    expect(data?.bucket).toBe('week');
    const { data: monthly } = await callLoader(trends.loader, '/trends?from=2020-01-01&to=2025-04-02');
    expect(monthly?.bucket).toBe('month');
  });

  it('reports ingest runs, counts and uploads disabled without a token', async () => {
    const { data: d } = await callLoader(data.loader, '/data');
    expect(d?.runs).toHaveLength(5);
    expect(d?.counts.find((c) => c.entity === 'incidents')?.records).toBe(11);
    expect(d?.uploads).toBe(false);
  });

  it('downloads tables as CSV, Arrow and Parquet', async () => {
    for (const format of ['csv', 'arrow', 'parquet']) {
      const { data: res } = await callLoader(download.loader, `/download/units/${format}?${march}`, {
        table: 'units',
        format,
      });
      const body = new Uint8Array(await (res as Response).arrayBuffer());
      expect(body.length, format).toBeGreaterThan(100);
      if (format === 'parquet') expect(Buffer.from(body.subarray(0, 4)).toString()).toBe('PAR1');
    }
    const bad = await callLoader(download.loader, `/download/secrets/csv?${march}`, {
      table: 'secrets',
      format: 'csv',
    });
    expect(bad.thrown?.status).toBe(400);
  });

  it('/api/units returns the units table', async () => {
    const { data: res } = await callLoader(apiUnits.loader, `/api/units?${march}`);
    const body = await (res as Response).json();
    expect(body.units).toHaveLength(11);
    expect(body).toMatchObject({ total: 11, offset: 0, limit: 1000, next: null });
  });

  it('/api/units pages: limit and offset, and next until the last page', async () => {
    const ids: string[] = [];
    let url: string | null = `/api/units?${march}&limit=4`;
    const pages: number[] = [];
    while (url !== null) {
      const { data: res } = await callLoader(apiUnits.loader, url);
      const body = (await (res as Response).json()) as { units: { unit_id: string }[]; next: string | null };
      pages.push(body.units.length);
      ids.push(...body.units.map((u) => u.unit_id));
      url = body.next;
    }
    expect(pages).toEqual([4, 4, 3]);
    const { data: whole } = await callLoader(apiUnits.loader, `/api/units?${march}`);
    const all = (await (whole as Response).json()) as { units: { unit_id: string }[] };
    expect(ids).toEqual(all.units.map((u) => u.unit_id));
  });

  it.each([
    'limit=0',
    'limit=10001',
    'limit=-1',
    'limit=1e3',
    'limit=abc',
    'offset=-5',
    'offset=1.5',
    'limit=2&limit=3',
  ])('/api/units answers 400 for %s', async (query) => {
    const bad = await callLoader(apiUnits.loader, `/api/units?${march}&${query}`);
    expect(bad.thrown?.status).toBe(400);
    const text = await (bad.thrown as Response).text();
    expect(text).toMatch(/^(limit|offset): /m);
  });
});
