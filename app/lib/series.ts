/** Turns bucket rows into the per-KPI series the sparklines and trend charts draw. */
import type { BucketRow } from '../../queries/analysis.ts';
import type { TileSpec } from './tiles.ts';

export interface SeriesPoint {
  bucket_start: string;
  value: number | null;
  numerator?: number;
  denominator?: number;
}

const ratio = (n: number | null, d: number | null) => (d ? (n ?? 0) / d : null);

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
          return {
            ...base,
            value: ratio(r.completed - r.failed, r.completed),
            numerator: r.completed - r.failed,
            denominator: r.completed,
          };
        case 'failure':
          return { ...base, value: ratio(r.failed, r.completed), numerator: r.failed, denominator: r.completed };
        case 'rollback':
          return {
            ...base,
            value: ratio(r.rolled_back, r.completed),
            numerator: r.rolled_back,
            denominator: r.completed,
          };
        case 'incidents':
          return {
            ...base,
            value: ratio(r.with_incidents, r.completed),
            numerator: r.with_incidents,
            denominator: r.completed,
          };
        case 'schedule':
          return {
            ...base,
            value: ratio(r.on_time, r.schedule_cohort),
            numerator: r.on_time ?? 0,
            denominator: r.schedule_cohort ?? 0,
          };
        case 'overrun':
          return {
            ...base,
            value: ratio(r.overran, r.overrun_cohort),
            numerator: r.overran,
            denominator: r.overrun_cohort,
          };
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
