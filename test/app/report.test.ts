/**
 * The retrospective report (/report, npm run report) on the golden data: a
 * self-contained document (no script, nothing fetched), the same numbers as
 * /api/kpis for the same parameters, and every failed unit with its verdict.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as apiKpis from '../../app/routes/api.kpis.ts';
import * as apiUnits from '../../app/routes/api.units.ts';
import * as report from '../../app/routes/report.ts';
import { describeFreshness } from '../../app/shared/format.ts';
import { headline, type TileKey, tiles } from '../../app/shared/tiles.ts';
import type { KpiReport } from '../../queries/kpis.ts';
import { getDataRange } from '../../queries/range.ts';
import type { UnitRow } from '../../queries/units.ts';
import { csvFolder, freshDatabase, goldenInput, loadFolder } from '../helpers.ts';
import { callLoader } from './helpers.tsx';

const march = 'from=2025-03-01&to=2025-04-01&as_of=2025-04-15T00:00:00Z';

async function reportOf(query: string) {
  const { data, thrown } = await callLoader(report.loader, `/report?${query}`);
  if (thrown) throw new Error(`report answered ${thrown.status}: ${await thrown.text()}`);
  const res = data as Response;
  return { res, html: await res.text() };
}

/** Every URL-like attribute value and CSS url() in the document. */
function references(html: string): string[] {
  return [
    ...[...html.matchAll(/\b(?:href|src|xlink:href|action|poster|data)\s*=\s*"([^"]*)"/gi)].map((m) => m[1] ?? ''),
    ...[...html.matchAll(/url\(([^)]*)\)/gi)].map((m) => m[1] ?? ''),
  ];
}

describe('the retrospective report', () => {
  beforeAll(async () => {
    freshDatabase();
    await loadFolder(goldenInput);
  });

  it('is one HTML file with no script and no external reference, downloaded as an attachment', async () => {
    for (const unit of ['release', 'change', 'deployment']) {
      const { res, html } = await reportOf(`${march}&unit=${unit}`);
      expect(res.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('Content-Disposition')).toBe(
        `attachment; filename="releaselens-report-${unit}-2025-03-01-2025-04-01.html"`,
      );
      expect(res.headers.get('Content-Security-Policy')).toMatch(/^default-src 'none'/);
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/<link\b/i);
      expect(html).not.toMatch(/\son[a-z]+\s*=/i); // no event handler attributes
      // charts are inline SVG; the only reference allowed is embedded data (a legend's colour ramp)
      expect(html).toMatch(/<svg/);
      for (const ref of references(html)) expect(ref, ref.slice(0, 80)).toMatch(/^(data:image\/png;base64,|#)/);
      expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/)/);
    }
  });

  it('states freshness as the pages do: the newest operational record, surveys apart', async () => {
    const { html } = await reportOf(march);
    const range = await getDataRange();
    expect(html).toContain(describeFreshness(range.last_at, range.loaded_at));
    expect(html).toContain('Data to 2025-04-01 05:00 UTC'); // the golden incidents run to 1 April
    expect(html).not.toContain('Survey responses to');
  });

  it('shows the same headline numbers as /api/kpis for the same parameters', async () => {
    for (const query of [
      march,
      `${march}&unit=change`,
      `${march}&tz=America/New_York`,
      `${march}&window=24&severity=3`,
    ]) {
      const { html } = await reportOf(query);
      const { data } = await callLoader(apiKpis.loader, `/api/kpis?${query}`);
      const api = (await (data as Response).json()) as KpiReport;
      const shown = new Map([...html.matchAll(/data-kpi="([a-z_]+)" data-value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      for (const spec of tiles) {
        const expected = headline(api.kpis, spec.key as TileKey);
        expect(shown.get(spec.key), `${query}: ${spec.key}`).toBe(expected === null ? '' : String(expected));
      }
      expect(shown.get('freeze_violations')).toBe(String(api.kpis.freeze_violations));
      expect(html).toContain(`${api.kpis.completed} completed ${api.unit}s`);
    }
  });

  it('lists every failed unit of the period with its verdict, and names the period and filters', async () => {
    const query = `${march}&service=payments`;
    const { html } = await reportOf(query);
    const { data } = await callLoader(apiUnits.loader, `/api/units?${query}`);
    const { units } = (await (data as Response).json()) as { units: UnitRow[] };
    const failed = units.filter((u) => u.is_completed && u.is_failed).map((u) => u.unit_id);
    expect(failed.length).toBeGreaterThan(0);
    const listed = [...html.matchAll(/data-unit="([^"]+)"/g)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...failed].sort());
    expect(html).toMatch(/This release counts as failed because/);
    expect(html).toContain('releases, 2025-03-01 to 2025-04-01 (UTC); services payments; all teams; all types');
    for (const section of [
      'Headline',
      'Release governance',
      'Trends by week',
      'Incident patterns',
      'Definitions and parameters',
      'Data quality',
    ])
      expect(html).toContain(section);
  });

  it('answers 400 for a bad bucket or event, and for an unknown parameter', async () => {
    for (const bad of [`${march}&bucket=day`, `${march}&event=2025-13-01:x`, `${march}&colour=red`]) {
      const { thrown } = await callLoader(report.loader, `/report?${bad}`);
      expect(thrown?.status, bad).toBe(400);
    }
  });
});

describe('the report beside late survey responses', () => {
  it('keeps the newest operational record as its freshness and names the surveys apart', async () => {
    freshDatabase();
    await loadFolder(goldenInput);
    await loadFolder(
      csvFolder({
        surveys: [
          {
            response_id: 'S1',
            release_id: 'R1',
            change_id: '',
            responded_at: '2025-06-30T12:00:00Z',
            score: 4,
            comment: '',
          },
        ],
      }),
    );
    const { html } = await reportOf(march);
    expect(html).toContain('Data to 2025-04-01 05:00 UTC');
    expect(html).toContain('Survey responses to 2025-06-30.');
  });
});
