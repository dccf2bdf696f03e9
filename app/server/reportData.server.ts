/**
 * The retrospective report's data: what the pages show for a period and the
 * dashboard's filters, gathered from the same query functions, and the
 * freshness the pages state (the newest operational record; surveys apart).
 * components/report/ renders it into one self-contained HTML document.
 */
import { readTargets, targetFor } from '../../lib/targets.ts';
import { getBuckets, getFreezes } from '../../queries/analysis.ts';
import { getDataStatus } from '../../queries/dataStatus.ts';
import {
  getAttributedIncidents,
  getGoliveCells,
  getIncidentCharts,
  getProblems,
  type IncidentPoint,
} from '../../queries/incidents.ts';
import type { KpiParams } from '../../queries/params.ts';
import { getDataRange } from '../../queries/range.ts';
import { getUnits } from '../../queries/units.ts';
import { describeFreshness } from '../shared/format.ts';
import { pChart, type TrendEvent, trendMetrics } from '../shared/trends.ts';
import { verdict } from '../shared/verdict.ts';
import { overview } from './overview.server.ts';

/** Failed units listed in full; the rest are counted (the CSV download has them all). */
export const MAX_LISTED_UNITS = 200;

export interface ReportOptions {
  /** Events that start a new phase on the trend charts (as on the trends page). */
  events?: TrendEvent[];
  /** Bucket of the trend charts; default: week for periods up to 92 days, else month. */
  bucket?: 'week' | 'month';
  /** When the report was made (default now). */
  generatedAt?: Date;
}

const DAY_MS = 86_400_000;

function defaultBucket(p: KpiParams): 'week' | 'month' {
  const days = (Date.parse(`${p.to}T00:00:00Z`) - Date.parse(`${p.from}T00:00:00Z`)) / DAY_MS;
  return days <= 92 ? 'week' : 'month';
}

export async function reportData(params: KpiParams, options: ReportOptions = {}) {
  const bucket = options.bucket ?? defaultBucket(params);
  const events = options.events ?? [];
  const [headline, buckets, freezes, units, incidents, charts, cells, problems, status, range] = await Promise.all([
    overview(params),
    getBuckets(params, bucket),
    getFreezes(params),
    getUnits(params),
    getAttributedIncidents(params),
    getIncidentCharts(params),
    getGoliveCells(params),
    getProblems(params, 10),
    getDataStatus(0, 10),
    getDataRange(),
  ]);
  const boundaries = events.map((e) => e.date);
  const targets = readTargets();
  const trends = trendMetrics.map((m) => ({
    ...m,
    points: pChart(buckets, m.spark, bucket, 'all', boundaries),
    target: m.kpi ? (targetFor(targets, m.kpi, params)?.target ?? null) : null,
  }));
  const byUnit = new Map<string, IncidentPoint[]>();
  for (const i of incidents) {
    const own = byUnit.get(i.unit_id);
    if (own) own.push(i);
    else byUnit.set(i.unit_id, [i]);
  }
  const failed = units
    .filter((u) => u.is_completed && u.is_failed)
    .sort((a, b) => (a.end_at ?? '').localeCompare(b.end_at ?? '') || a.unit_id.localeCompare(b.unit_id));
  const listed = failed.slice(0, MAX_LISTED_UNITS).map((unit) => {
    const own = (byUnit.get(unit.unit_id) ?? []).sort((a, b) => a.opened_ms - b.opened_ms);
    const sentence = verdict(
      { unit, incidents: own.map((i) => ({ incident_id: i.incident_id, priority: i.priority, attribution: i.rule })) },
      params,
    );
    return { unit, sentence, incidents: own };
  });
  const excess = units
    .filter((u) => u.is_completed && u.is_excess_fdr)
    .sort((a, b) => (a.excess_q_value ?? 1) - (b.excess_q_value ?? 1) || a.unit_id.localeCompare(b.unit_id));
  return {
    params,
    bucket,
    events,
    generatedAt: (options.generatedAt ?? new Date()).toISOString(),
    headline,
    trends,
    freezes: freezes.filter((f) => f.kind === 'freeze'),
    failed: { total: failed.length, listed },
    cells,
    charts,
    problems,
    excess,
    status,
    freshness: {
      /** As every page states it: the newest operational record (go-lives, incidents) and the last load. */
      text: describeFreshness(range.last_at, range.loaded_at),
      /** Survey responses arrive on their own schedule: listed apart. */
      surveysTo: newestOf(status.counts.filter((c) => c.entity === 'surveys')),
    },
  };
}

function newestOf(counts: { newest_at: string | null }[]): string | null {
  const newest = counts
    .map((c) => c.newest_at)
    .filter((v): v is string => Boolean(v))
    .sort()
    .at(-1);
  return newest ? newest.slice(0, 10) : null;
}

export type ReportData = Awaited<ReturnType<typeof reportData>>;
