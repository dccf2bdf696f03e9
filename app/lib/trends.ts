/** p-chart series for the trends page: bucket rates with 3-sigma limits around the pooled rate. */
import type { BucketRow } from '../../queries/analysis.ts';
import { pChartLimits } from '../../queries/stats.ts';
import { series } from './series.ts';
import type { TileSpec } from './tiles.ts';

export interface PPoint {
  bucket_start: string;
  rate: number;
  n: number;
  k: number;
  centre: number;
  lcl: number;
  ucl: number;
  signal: 'above' | 'below' | null;
}

export const trendMetrics: { spark: TileSpec['spark']; label: string }[] = [
  { spark: 'failure', label: 'Change failure rate' },
  { spark: 'rollback', label: 'Rollback rate' },
  { spark: 'incidents', label: 'Post-release incident rate' },
  { spark: 'schedule', label: 'Schedule adherence' },
];

export function pChart(
  rows: BucketRow[],
  spark: TileSpec['spark'],
  bucket: 'week' | 'month',
  segment: BucketRow['segment'] = 'all',
): PPoint[] {
  const points = series(rows, spark, bucket, segment).filter((p) => (p.denominator ?? 0) > 0);
  const k = points.reduce((s, p) => s + (p.numerator ?? 0), 0);
  const n = points.reduce((s, p) => s + (p.denominator ?? 0), 0);
  const centre = n ? k / n : 0;
  return points.map((p) => {
    const size = p.denominator ?? 0;
    const rate = (p.numerator ?? 0) / size;
    const { lcl, ucl } = pChartLimits(centre, size);
    return {
      bucket_start: p.bucket_start,
      rate,
      n: size,
      k: p.numerator ?? 0,
      centre,
      lcl,
      ucl,
      signal: rate > ucl ? 'above' : rate < lcl ? 'below' : null,
    };
  });
}
