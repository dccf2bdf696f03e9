/**
 * Every dashboard query for one unit kind, window and time zone (the first
 * half of 2025, as of mid-July), in one snapshot: what the tests that compare
 * two ways of building the models (live and materialized, refreshed and
 * whole) compare.
 */
import { getBreakdown, getBuckets, getCalendar } from '../queries/analysis.ts';
import { getUnitDetail } from '../queries/detail.ts';
import { getAttributedIncidents, getGoliveCells, getIncidentCounts, getIncidentPage } from '../queries/incidents.ts';
import { getKpis } from '../queries/kpis.ts';
import { kpiParamsSchema } from '../queries/params.ts';
import { readSnapshot } from '../queries/snapshot.ts';
import { getUnits } from '../queries/units.ts';

export async function dashboardAnswers(unit: string, window: number, tz = 'UTC') {
  const p = kpiParamsSchema.parse({
    unit,
    window,
    tz,
    from: '2025-01-01',
    to: '2025-07-01',
    as_of: '2025-07-15T00:00:00Z',
  });
  return readSnapshot(async () => {
    const unitRows = await getUnits(p);
    const failed = unitRows.filter((u) => u.is_failed).slice(0, 3);
    return {
      kpis: await getKpis(p),
      buckets: await getBuckets(p, 'month'),
      breakdown: await getBreakdown(p),
      units: unitRows,
      incidents: await getAttributedIncidents(p),
      incidentCounts: await getIncidentCounts(p),
      incidentPage: await getIncidentPage(p, { priority: 3, rule: 'likely' }, { limit: 20, offset: 5 }),
      calendar: await getCalendar(p),
      cells: await getGoliveCells(p),
      details: await Promise.all(failed.map((u) => getUnitDetail(p, u.unit_id))),
    };
  }, [p]);
}
