/**
 * The incident pattern charts counted in SQL (getIncidentCharts:
 * kpi_incident_extent, kpi_incident_charts) equal the same counts made in
 * JavaScript from every attributed incident getAttributedIncidents gives, for
 * every unit kind, two windows, two time zones and a filtered set: every cell,
 * Pareto bar and histogram bin, the bin edges, and the totals.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { getAttributedIncidents, getIncidentCharts, type IncidentCharts } from '../../queries/incidents.ts';
import { kpiParamsSchema } from '../../queries/params.ts';
import { countCharts } from '../chartCounts.ts';
import { freshSample, sampleSets } from '../helpers.ts';

/** The charts with each list in one order (SQL and the reference count in different orders). */
const canonical = (c: IncidentCharts) => {
  const sorted = <T>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort();
  return {
    ...c,
    service_week: sorted(c.service_week),
    by_ci: sorted(c.by_ci),
    by_category: sorted(c.by_category),
    golive: sorted(c.golive),
    type_risk: sorted(c.type_risk),
    hours: { ...c.hours, bins: sorted(c.hours.bins) },
  };
};

describe('the incident charts counted in SQL', () => {
  beforeAll(freshSample, 120_000);

  const sets = sampleSets({
    unit: 'change',
    from: '2025-01-01',
    to: '2026-01-01',
    window: 48,
    tz: 'UTC',
    service: ['payments'],
  });

  it.each(sets)('equal the counts of every attributed incident: %o', async (set) => {
    const p = kpiParamsSchema.parse(set);
    const incidents = await getAttributedIncidents(p);
    expect(incidents.length).toBeGreaterThan(20);
    const sql = await getIncidentCharts(p);
    expect(canonical(sql)).toEqual(canonical(countCharts(incidents, p.window)));
    // every chart has something to draw, and the histogram more than one bin
    expect(sql.service_week.length).toBeGreaterThan(1);
    expect(sql.hours.edges.length).toBeGreaterThan(10);
    expect(sql.hours.bins.reduce((s, b) => s + b.incidents, 0)).toBe(incidents.length);
  });

  it('count nothing in a period without incidents', async () => {
    const p = kpiParamsSchema.parse({ unit: 'release', from: '2001-01-01', to: '2001-02-01' });
    const charts = await getIncidentCharts(p);
    expect(charts).toEqual(countCharts([], p.window));
    expect(charts.incidents).toBe(0);
  });
});
