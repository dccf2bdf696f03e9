/**
 * p-chart series for the trends page: bucket rates with 3-sigma limits around
 * the pooled rate of their phase, and the run rule for sustained shifts.
 *
 * Phases: a compare date or an event starts a new phase, and each phase gets
 * its own centre line and limits (a process that changed on purpose is judged
 * against its own new level). A bucket belongs to the phase its start falls in.
 *
 * Signals, per phase:
 *   'above' / 'below'  a point outside its 3-sigma limits;
 *   run                a point in a run of consecutive points on the same side
 *                      of the centre line: RUN_LENGTH where a point is as
 *                      likely above as below, more for small buckets of rare
 *                      events (markRuns); a sustained shift too small for the
 *                      limits (Western Electric rule 4, Nelson rule 2).
 */

import type { TargetKey } from '../../lib/targets.ts';
import type { BucketRow } from '../../queries/analysis.ts';
import { pChartLimits } from '../../queries/stats.ts';
import { series } from './series.ts';
import type { TileSpec } from './tiles.ts';

export interface PPoint {
  bucket_start: string;
  rate: number;
  n: number;
  k: number;
  /** 0 for the first phase, one more after each boundary. */
  phase: number;
  centre: number;
  lcl: number;
  ucl: number;
  signal: 'above' | 'below' | null;
  /** Part of a run on one side of the centre line as unlikely as RUN_LENGTH coin tosses alike (markRuns). */
  run: boolean;
}

export const RUN_LENGTH = 8;

/** The rates the trends page charts; `kpi`: the KPI whose target the chart draws. */
export const trendMetrics: { spark: TileSpec['spark']; label: string; kpi?: TargetKey }[] = [
  { spark: 'failure', label: 'Change failure rate', kpi: 'change_failure_rate' },
  { spark: 'rollback', label: 'Rollback rate', kpi: 'rollback_rate' },
  { spark: 'incidents', label: 'Post-release incident rate', kpi: 'post_release_incident_rate' },
  { spark: 'schedule', label: 'Schedule adherence', kpi: 'schedule_adherence' },
  { spark: 'overrun', label: 'Deployment windows overrun' },
];

/**
 * P(X < n * p) and P(X > n * p) for X ~ Binomial(n, p): how likely a bucket of
 * n units lands below and above a centre line at p by chance alone.
 */
export function sideProbabilities(n: number, p: number): { below: number; above: number } {
  const mean = n * p;
  if (p <= 0 || p >= 1 || n <= 0) return { below: 0, above: 0 };
  // the pmf term by term (in logs, so a large n cannot underflow the first term)
  let logPmf = n * Math.log1p(-p);
  const ratio = Math.log(p) - Math.log1p(-p);
  let below = 0;
  let at = 0;
  for (let k = 0; k <= n && k <= mean; k++) {
    const pmf = Math.exp(logPmf);
    if (k < mean) below += pmf;
    else at = pmf;
    logPmf += Math.log(n - k) - Math.log(k + 1) + ratio;
  }
  return { below, above: Math.max(0, 1 - below - at) };
}

/**
 * Marks the points of every run of consecutive points on one side of their
 * centre line that chance alone would produce no more often than RUN_LENGTH
 * fair coin tosses landing the same way (1 in 2^8): the classic rule assumes a
 * point is as likely above the line as below it, which fails for small buckets
 * of a rare event (with 10 units at a 5% centre, 60% of buckets are 0%, below
 * the line). So each point counts with the chance of its side under
 * Binomial(n, centre), and a run is a signal when the product of those
 * chances is at most 2^-8: 8 points where both sides are even, more where
 * they are not. A point exactly on the line breaks a run.
 */
export function markRuns(points: { rate: number; centre: number; n: number }[]): boolean[] {
  const side = points.map((p) => Math.sign(p.rate - p.centre));
  const chance = points.map((p, i) => {
    const { below, above } = sideProbabilities(p.n, p.centre);
    return side[i] === 1 ? above : side[i] === -1 ? below : 1;
  });
  const marked = side.map(() => false);
  let start = 0;
  for (let i = 1; i <= side.length; i++) {
    if (i < side.length && side[i] === side[start] && side[i] !== 0) continue;
    const product = chance.slice(start, i).reduce((a, b) => a * b, 1);
    if (side[start] !== 0 && product <= RUN_CHANCE) for (let j = start; j < i; j++) marked[j] = true;
    start = i;
  }
  return marked;
}

/** The chance of RUN_LENGTH fair coin tosses landing the same way. */
const RUN_CHANCE = 0.5 ** RUN_LENGTH;

/**
 * One metric's p-chart. `boundaries`: dates (YYYY-MM-DD) where a new phase
 * starts; limits and runs are computed within each phase.
 */
export function pChart(
  rows: BucketRow[],
  spark: TileSpec['spark'],
  bucket: 'week' | 'month',
  segment: BucketRow['segment'] = 'all',
  boundaries: string[] = [],
): PPoint[] {
  const cuts = [...new Set(boundaries)].sort();
  const points = series(rows, spark, bucket, segment)
    .filter((p) => (p.denominator ?? 0) > 0)
    .map((p) => ({
      bucket_start: p.bucket_start,
      k: p.numerator ?? 0,
      n: p.denominator ?? 0,
      phase: cuts.filter((c) => p.bucket_start >= c).length,
    }));
  const out: PPoint[] = [];
  for (const phase of [...new Set(points.map((p) => p.phase))]) {
    const inPhase = points.filter((p) => p.phase === phase);
    const k = inPhase.reduce((s, p) => s + p.k, 0);
    const n = inPhase.reduce((s, p) => s + p.n, 0);
    const centre = n ? k / n : 0;
    const charted = inPhase.map((p) => {
      const rate = p.k / p.n;
      const { lcl, ucl } = pChartLimits(centre, p.n);
      return { ...p, rate, centre, lcl, ucl, signal: rate > ucl ? 'above' : rate < lcl ? 'below' : null } as const;
    });
    const runs = markRuns(charted);
    charted.forEach((p, i) => {
      out.push({ ...p, run: runs[i] ?? false });
    });
  }
  return out;
}

/** An event a retrospective marks on the trend charts: it starts a new phase. */
export interface TrendEvent {
  date: string;
  label: string;
}

/**
 * Events from the URL: `event=YYYY-MM-DD:label` (repeatable, at most MAX_EVENTS).
 * Returns the events inside the period, those outside it (kept, not marked),
 * and the problems with the ones it refused.
 */
export function parseEvents(
  values: string[],
  from: string,
  to: string,
): { events: TrendEvent[]; problems: string[]; outside: TrendEvent[] } {
  const events: TrendEvent[] = [];
  const problems: string[] = [];
  const outside: TrendEvent[] = [];
  for (const value of values) {
    const m = /^(\d{4}-\d{2}-\d{2}):(.{1,80})$/su.exec(value);
    const date = m?.[1] ?? '';
    if (!m || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
      problems.push(`event: '${value.slice(0, 100)}' must be YYYY-MM-DD:label (a label of 1 to 80 characters)`);
    } else if (date <= from || date >= to) {
      // kept in the URL for when the period covers it again, not marked now
      outside.push({ date, label: (m[2] ?? '').trim() || date });
    } else events.push({ date, label: (m[2] ?? '').trim() || date });
  }
  if (events.length + outside.length > MAX_EVENTS) problems.push(`event: at most ${MAX_EVENTS} events`);
  return { events: events.sort((a, b) => a.date.localeCompare(b.date)), problems, outside };
}

export const MAX_EVENTS = 10;
