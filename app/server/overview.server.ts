/** Everything the overview shows, from the KPI functions only. */

import { readTargets, status, targetFor } from '../../lib/targets.ts';
import { getBreakdown, getBuckets, getFreezes, getServiceCadence } from '../../queries/analysis.ts';
import { getKpis } from '../../queries/kpis.ts';
import type { KpiParams } from '../../queries/params.ts';
import { getReviewCounts } from '../../queries/reviews.ts';
import { series } from '../shared/series.ts';
import { overviewSummary } from '../shared/summary.ts';
import { headline, notApplicable, showTileValue, type TileData, tiles } from '../shared/tiles.ts';
import { previousPeriod } from './filters.server.ts';

function yearBefore(to: string): string {
  const d = new Date(`${to}T00:00:00Z`);
  return new Date(Date.UTC(d.getUTCFullYear() - 1, d.getUTCMonth(), 1)).toISOString().slice(0, 10);
}

export async function overview(params: KpiParams) {
  const previousParams = previousPeriod(params);
  const [current, previous, monthly, breakdown, freezes, cadence, links] = await Promise.all([
    getKpis(params),
    getKpis(previousParams, { governance: false }), // the tiles compare; governance is shown for the period only
    getBuckets({ ...params, from: yearBefore(params.to) }, 'month'),
    getBreakdown(params),
    getFreezes(params),
    getServiceCadence(params),
    getReviewCounts(params),
  ]);
  const targets = readTargets();
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
  const judged = tileData.map((t) => {
    const found = t.notApplicable ? null : targetFor(targets, t.spec.key, params);
    // deployment frequency is judged, like its DORA band, on the median service's cadence
    const value = t.dora ? t.dora.value : t.value;
    if (!found || value === null) return { ...t, target: null, judged: null };
    const c = t.current;
    const interval: [number, number] | null =
      c && typeof c === 'object' && 'ci95_low' in c ? [c.ci95_low, c.ci95_high] : null;
    const s = status(found.target, value, interval);
    const limit =
      'min' in found.target
        ? `≥ ${showTileValue(t.spec, found.target.min)}`
        : `≤ ${showTileValue(t.spec, found.target.max)}`;
    return {
      ...t,
      target: { text: `${limit}${t.dora ? ' for the median service' : ''}`, status: s, scope: found.scope },
      judged: { target: found.target, status: s },
    };
  });
  const summary = overviewSummary(
    judged.map((t) => ({ ...t, value: t.dora ? t.dora.value : t.value, target: t.judged })),
  );
  return {
    summary,
    report: current,
    previousPeriod: previousParams,
    tiles: judged.map(({ judged: _judged, ...t }) => t),
    breakdown,
    links,
    // the go-lives themselves are fetched by the page from /api/calendar (thousands a quarter)
    calendar: { windows: freezes },
  };
}
