/** Turns bucket rows into the per-KPI series the sparklines and trend charts draw. */
import type { BucketRow } from '../../queries/analysis.ts';
import { fraction, type Pair, unitRates } from '../../queries/measures.ts';
import type { TileSpec } from './tiles.ts';

export interface SeriesPoint {
  bucket_start: string;
  value: number | null;
  numerator?: number;
  denominator?: number;
}

/** A rate's point: the fraction and the counts it is made of. */
const point = (bucket_start: string, pair: Pair): SeriesPoint => ({
  bucket_start,
  value: fraction(pair),
  numerator: pair[0],
  denominator: pair[1],
});

function daysInBucket(start: string, bucket: 'week' | 'month') {
  if (bucket === 'week') return 7;
  const d = new Date(`${start}T00:00:00Z`);
  return (Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - d.getTime()) / 86_400_000;
}

export function series(
  rows: BucketRow[],
  spark: TileSpec['spark'],
  bucket: 'week' | 'month' = 'month',
  segment: BucketRow['segment'] = 'all',
): SeriesPoint[] {
  return rows
    .filter((r) => r.segment === segment)
    .map((r) => {
      const base = { bucket_start: r.bucket_start };
      switch (spark) {
        case 'success':
          return point(r.bucket_start, unitRates.success_rate(r));
        case 'failure':
          return point(r.bucket_start, unitRates.change_failure_rate(r));
        case 'rollback':
          return point(r.bucket_start, unitRates.rollback_rate(r));
        case 'incidents':
          return point(r.bucket_start, unitRates.post_release_incident_rate(r));
        case 'schedule':
          return point(r.bucket_start, unitRates.schedule_adherence(r));
        case 'overrun':
          return point(r.bucket_start, unitRates.overrun_rate(r));
        case 'lead':
          return { ...base, value: r.lead_time_median_hours };
        case 'recovery':
          return { ...base, value: r.recovery_median_hours };
        default: // 'deployments': per week of the bucket
          return {
            ...base,
            value: r.deployments === null ? null : r.deployments / (daysInBucket(r.bucket_start, bucket) / 7),
          };
      }
    });
}
