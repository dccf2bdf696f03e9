/** Everything the overview shows, from the KPI functions only. */
import { getBreakdown, getBuckets, getFreezes, getServiceCadence } from '../../queries/analysis.ts';
import { getKpis } from '../../queries/kpis.ts';
import type { KpiParams } from '../../queries/params.ts';
import type { TileData } from '../components/KpiTile.tsx';
import { previousPeriod } from './filters.server.ts';
import { series } from './series.ts';
import { headline, notApplicable, tiles } from './tiles.ts';

function yearBefore(to: string): string {
  const d = new Date(`${to}T00:00:00Z`);
  return new Date(Date.UTC(d.getUTCFullYear() - 1, d.getUTCMonth(), 1)).toISOString().slice(0, 10);
}

export async function overview(params: KpiParams) {
  const previousParams = previousPeriod(params);
  const [current, previous, monthly, breakdown, freezes, cadence] = await Promise.all([
    getKpis(params),
    getKpis(previousParams, { governance: false }), // the tiles compare; governance is shown for the period only
    getBuckets({ ...params, from: yearBefore(params.to) }, 'month'),
    getBreakdown(params),
    getFreezes(params),
    getServiceCadence(params),
  ]);
  const tileData: TileData[] = tiles.map((spec) => ({
    spec,
    current: current.kpis[spec.key],
    previous: previous.kpis[spec.key],
    value: headline(current.kpis, spec.key),
    previousValue: headline(previous.kpis, spec.key),
    spark: series(monthly, spec.spark).map(({ bucket_start, value }) => ({ bucket_start, value })),
    notApplicable: notApplicable(spec.key, params.unit),
    // DORA rates a service's own cadence, not the organisation's total
    ...(spec.key === 'deployment_frequency_per_week'
      ? {
          dora: {
            value: cadence.median_per_week,
            basis:
              cadence.median_per_week === null
                ? 'no service deployed to production in the period'
                : `from the median service: ${cadence.median_per_week.toFixed(1)}/wk across ${cadence.services} ${cadence.services === 1 ? 'service' : 'services'}`,
          },
        }
      : {}),
  }));
  return {
    report: current,
    previousPeriod: previousParams,
    tiles: tileData,
    breakdown,
    // the go-lives themselves are fetched by the page from /api/calendar (thousands a quarter)
    calendar: { windows: freezes },
  };
}
