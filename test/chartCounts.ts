/**
 * The incident pattern charts counted in JavaScript from one row per incident:
 * the reference the SQL counts (getIncidentCharts) are checked against, and
 * the way the chart snapshots are fed from a handful of incidents.
 */
import { binEdges, HOURS_BEFORE_GOLIVE, HOURS_BINS, hoursClip } from '../lib/histogram.ts';
import type { IncidentCharts } from '../queries/incidents.ts';

/** An attributed incident with the columns the charts count. */
export interface ChartPoint {
  rule: 'confirmed' | 'reviewed' | 'likely';
  category: string | null;
  incident_ci: string;
  service: string | null;
  unit_type: string | null;
  risk: string;
  opened_week: string;
  hours_after_golive: number;
  golive_weekday: number;
  golive_hour: number;
}

/** Counts by a key, in the order the keys first appear. */
function countBy<T, K>(items: T[], key: (item: T) => K[]): { key: K[]; n: number }[] {
  const counts = new Map<string, { key: K[]; n: number }>();
  for (const item of items) {
    const k = key(item);
    const id = JSON.stringify(k);
    const c = counts.get(id);
    if (c) c.n++;
    else counts.set(id, { key: k, n: 1 });
  }
  return [...counts.values()];
}

export function countCharts(points: ChartPoint[], windowHours: number): IncidentCharts {
  const clip = hoursClip(windowHours);
  const hours = points.map((p) => Math.max(HOURS_BEFORE_GOLIVE, Math.min(clip, p.hours_after_golive)));
  const edges = points.length ? binEdges(Math.min(...hours), Math.max(...hours), HOURS_BINS) : [];
  // the bin of a value: the last edge at or below it (edges rise)
  const binOf = (h: number) => edges.findLastIndex((e) => e <= h);
  return {
    incidents: points.length,
    after_window: points.filter((p) => p.hours_after_golive > windowHours).length,
    service_week: countBy(points, (p) => [p.opened_week, p.service]).map(({ key: [week, service], n }) => ({
      service: service ?? null,
      opened_week: week as string,
      incidents: n,
    })),
    by_ci: countBy(points, (p) => [p.incident_ci]).map(({ key: [name], n }) => ({ name: name ?? null, incidents: n })),
    by_category: countBy(points, (p) => [p.category]).map(({ key: [name], n }) => ({
      name: name ?? null,
      incidents: n,
    })),
    golive: countBy(points, (p) => [p.golive_weekday, Math.floor(p.golive_hour / 3) * 3]).map(
      ({ key: [weekday, band], n }) => ({ golive_weekday: weekday as number, hour_band: band as number, incidents: n }),
    ),
    type_risk: countBy(points, (p) => [p.unit_type, p.risk]).map(({ key: [type, risk], n }) => ({
      unit_type: type ?? null,
      risk: risk as string,
      incidents: n,
    })),
    hours: {
      hours_before: HOURS_BEFORE_GOLIVE,
      clip_hours: clip,
      edges,
      bins: countBy(
        points.map((p, i) => ({ rule: p.rule, bin: binOf(hours[i] as number) })),
        (b) => [b.rule, b.bin] as const,
      ).map(({ key: [rule, bin], n }) => ({
        rule: rule as 'confirmed' | 'reviewed' | 'likely',
        bin: bin as number,
        incidents: n,
      })),
    },
  };
}
