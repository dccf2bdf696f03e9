/** Chart builders for the incident patterns page. Pure: (data, options) => element. */
import * as Plot from '@observablehq/plot';

/** An attributed incident as the charts draw it (queries/kpis/kpi_incident_points.sql). */
export interface Point {
  rule: string;
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

interface Opts {
  width?: number;
  document?: Document;
}

const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** The 3-hour band an hour falls in, as "18-21". */
const hourBand = (hour: number) => {
  const start = Math.floor(hour / 3) * 3;
  return `${String(start).padStart(2, '0')}-${String(start + 3).padStart(2, '0')}`;
};
const hourBands = [0, 3, 6, 9, 12, 15, 18, 21].map(hourBand);

/** Attributed incidents per service and week of opening. */
export function serviceWeekHeatmap(points: Point[], options: Opts = {}) {
  const data = points.map((p) => ({ ...p, week: new Date(`${p.opened_week}T00:00:00Z`) }));
  return Plot.plot({
    document: options.document,
    width: options.width ?? 700,
    marginLeft: 110,
    padding: 0,
    x: {
      type: 'band',
      label: 'Week opened',
      tickFormat: (d: Date) => (d.getUTCDate() <= 7 ? d.toISOString().slice(0, 7) : ''),
    },
    y: { label: null },
    color: { scheme: 'oranges', legend: true, label: 'Attributed incidents' },
    marks: [Plot.cell(data, Plot.group({ fill: 'count' }, { x: 'week', y: 'service', inset: 0.5, tip: true }))],
  });
}

export interface ParetoRow {
  name: string;
  n: number;
  /** Share of all points up to and including this bar. */
  cumulative: number;
  /** The bar that sums every value past the top ones (how many values it holds). */
  others?: number;
}

/**
 * The Pareto's bars: counts by a key, largest first (ties by name), the top
 * ones each, the rest summed in one "other" bar, so the cumulative line ends at
 * 100%. An empty value counts as "(none)".
 */
export function paretoRows(points: Point[], key: 'incident_ci' | 'category', top = 15): ParetoRow[] {
  const counts = new Map<string, number>();
  for (const p of points) {
    const k = (p[key] as string | null) || '(none)';
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const total = points.length || 1;
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = sorted.length > top ? sorted.slice(0, top - 1) : sorted;
  const rest = sorted.slice(shown.length);
  let running = 0;
  const rows: ParetoRow[] = shown.map(([name, n]) => {
    running += n;
    return { name, n, cumulative: running / total };
  });
  if (rest.length > 0) {
    const n = rest.reduce((s, [, c]) => s + c, 0);
    rows.push({ name: `other (${rest.length})`, n, cumulative: (running + n) / total, others: rest.length });
  }
  return rows;
}

/** A tick label cut to `max` characters with an ellipsis (the bar's title keeps the whole name). */
const shortLabel = (max: number) => (name: string) => (name.length > max ? `${name.slice(0, max - 1)}…` : name);

/**
 * Pareto: bars of counts by a key, largest first, with the cumulative share as
 * a line (right axis in %); past the top 15 one "other" bar. `barHref`: where a
 * bar leads (the incidents with that value); the "other" and "(none)" bars lead nowhere.
 */
export function pareto(
  points: Point[],
  options: Opts & {
    key: 'incident_ci' | 'category';
    label: string;
    top?: number;
    barHref?: (name: string) => string;
  },
) {
  const rows = paretoRows(points, options.key, options.top ?? 15);
  const max = Math.max(1, ...rows.map((r) => r.n));
  const linkable = (r: ParetoRow) => r.others === undefined && r.name !== '(none)';
  return Plot.plot({
    document: options.document,
    width: options.width ?? 560,
    marginBottom: 80,
    // rotated labels run down and left from their tick: room for the first one, long names cut
    marginLeft: 72,
    marginRight: 40,
    x: { domain: rows.map((r) => r.name), label: options.label, tickRotate: -35, tickFormat: shortLabel(16) },
    y: { grid: true, domain: [0, max] },
    marks: [
      Plot.barY(rows, {
        x: 'name',
        y: 'n',
        fill: (r: ParetoRow) => (r.others === undefined ? '#2d5bd7' : '#9aa5b1'),
        title: (r: ParetoRow) =>
          `${r.name}: ${r.n} incidents, ${Math.round(r.cumulative * 100)}% cumulative${r.others !== undefined ? `\n${r.others} values with fewer incidents each` : options.barHref && linkable(r) ? '\nclick for these incidents' : ''}`,
        ...(options.barHref
          ? { href: (r: ParetoRow) => (linkable(r) ? (options.barHref?.(r.name) ?? null) : null) }
          : {}),
      }),
      Plot.lineY(rows, {
        x: 'name',
        y: (r: { cumulative: number }) => r.cumulative * max,
        stroke: '#b42318',
        marker: 'dot',
      }),
      Plot.axisY({ anchor: 'left', label: 'Attributed incidents' }),
      Plot.axisY({
        anchor: 'right',
        label: 'Cumulative share',
        tickFormat: (v: number) => `${Math.round((v / max) * 100)}%`,
      }),
      Plot.ruleY([0]),
    ],
  });
}

/** Attributed incidents by the unit's type and risk. */
export function typeRiskBars(points: Point[], options: Opts = {}) {
  return Plot.plot({
    document: options.document,
    width: options.width ?? 560,
    marginLeft: 90,
    x: { label: 'Attributed incidents', grid: true },
    y: { label: 'Type' },
    color: {
      domain: ['low', 'medium', 'high', 'critical', 'unknown'],
      range: ['#9fb3e8', '#5b7fdc', '#e0892a', '#b42318', '#cbd2d9'],
      legend: true,
      label: 'Risk',
    },
    marks: [
      Plot.barX(
        points,
        Plot.groupY({ x: 'count' }, { y: (p: Point) => p.unit_type ?? '(none)', fill: 'risk', tip: true }),
      ),
      Plot.ruleX([0]),
    ],
  });
}

export interface WeekdayHourCell {
  weekday: number;
  hour_band: number;
  completed: number;
  failed: number;
  incidents: number;
}

/**
 * Change failure rate by weekday and 3-hour band of go-live (reporting time
 * zone); text = units. `cellHref`: where a cell leads (the units behind it).
 */
/** The failure heatmap's colour domain: rates from 0 to this; a higher rate is drawn as this one. */
export const failureRateCap = 0.5;

/**
 * The failure heatmap's cells: weekday and band labels, the failure rate (null
 * without completed units: no fill), the rate the colour shows (capped at
 * failureRateCap), and a text colour that reads on the cell: light on the dark
 * part of the scale (over 60% of the cap), dark elsewhere.
 */
export function failureHeatmapCells(cells: WeekdayHourCell[]) {
  return cells.map((c) => {
    const rate = c.completed ? c.failed / c.completed : null;
    const shown = rate === null ? null : Math.min(rate, failureRateCap);
    return {
      ...c,
      day: weekdays[c.weekday - 1],
      band: hourBand(c.hour_band),
      rate: shown,
      actualRate: rate,
      textFill: (shown ?? 0) > 0.6 * failureRateCap ? '#ffffff' : '#1f2933',
    };
  });
}

/** The histogram's hours: each incident's hours from go-live, clipped to −24 .. twice the window (at least 24). */
export function clippedHours(points: { hours_after_golive: number }[], windowHours: number) {
  const max = Math.max(windowHours * 2, 24);
  return { max, hours: points.map((p) => Math.max(-24, Math.min(max, p.hours_after_golive))) };
}

export function weekdayHourHeatmap(
  cells: WeekdayHourCell[],
  options: Opts & { cellHref?: (weekday: number, hourBand: number) => string } = {},
) {
  const data = failureHeatmapCells(cells);
  return Plot.plot({
    document: options.document,
    width: options.width ?? 560,
    padding: 0.05,
    marginLeft: 64,
    x: { domain: weekdays, label: 'Go-live weekday' },
    // the label sits above the row labels, not on them
    y: { domain: hourBands, label: 'Go-live hour', labelAnchor: 'top', labelOffset: 56 },
    // a linear scale of the rate capped at 50%: an 11% slot reads light, a 50% slot dark. (With
    // `percent`, Plot scaled the rates to 0..100 against this 0..0.5 domain: every failing slot was darkest.)
    color: {
      type: 'linear',
      scheme: 'reds',
      legend: true,
      label: 'Change failure rate',
      tickFormat: '.0%',
      domain: [0, failureRateCap],
    },
    marks: [
      Plot.cell(data, {
        x: 'day',
        y: 'band',
        fill: 'rate',
        inset: 0.5,
        title: (d: { day: string; band: string; failed: number; completed: number; incidents: number }) =>
          `${d.day} ${d.band}h: ${d.failed} of ${d.completed} failed, ${d.incidents} incidents${options.cellHref ? '\nclick for these units' : ''}`,
        ...(options.cellHref ? { href: (d: WeekdayHourCell) => options.cellHref?.(d.weekday, d.hour_band) ?? '' } : {}),
      }),
      Plot.text(data, {
        x: 'day',
        y: 'band',
        text: (d: { completed: number }) => String(d.completed),
        fill: 'textFill',
        fontSize: 10,
        // the count sits on the cell: it leads where the cell does
        ...(options.cellHref ? { href: (d: WeekdayHourCell) => options.cellHref?.(d.weekday, d.hour_band) ?? '' } : {}),
      }),
    ],
  });
}

/** Attributed incidents by weekday and 3-hour band of their unit's go-live (reporting time zone). */
export function goliveIncidentHeatmap(points: Point[], options: Opts = {}) {
  const data = points.map((p) => ({
    day: weekdays[p.golive_weekday - 1],
    band: hourBand(p.golive_hour),
  }));
  return Plot.plot({
    document: options.document,
    width: options.width ?? 560,
    padding: 0.05,
    marginLeft: 64,
    x: { domain: weekdays, label: 'Go-live weekday' },
    // the label sits above the row labels, not on them (as in weekdayHourHeatmap)
    y: { domain: hourBands, label: 'Go-live hour', labelAnchor: 'top', labelOffset: 56 },
    color: { scheme: 'oranges', legend: true, label: 'Attributed incidents' },
    marks: [Plot.cell(data, Plot.group({ fill: 'count' }, { x: 'day', y: 'band', inset: 0.5, tip: true }))],
  });
}

/** Hours from go-live to incident, with the attribution window marked. */
export function hoursHistogram(points: Point[], options: Opts & { windowHours: number }) {
  const { max, hours } = clippedHours(points, options.windowHours);
  const clipped = points.map((p, i) => ({ ...p, hours: hours[i] }));
  return Plot.plot({
    document: options.document,
    width: options.width ?? 700,
    x: { label: `Hours from go-live to incident opened (clipped to −24..${max})`, domain: [-24, max] },
    y: { label: 'Attributed incidents', grid: true },
    color: { domain: ['confirmed', 'likely'], range: ['#b42318', '#e0892a'], legend: true },
    marks: [
      Plot.rectY(
        clipped,
        Plot.binX<Plot.RectYOptions>({ y: 'count', thresholds: 48 }, { x: 'hours', fill: 'rule', tip: true }),
      ),
      Plot.ruleX([0], { stroke: '#1f2933' }),
      Plot.ruleX([options.windowHours], { stroke: '#2d5bd7', strokeDasharray: '4,3' }),
      Plot.text([options.windowHours], {
        x: (v: number) => v,
        frameAnchor: 'top',
        text: () => `window ${options.windowHours} h`,
        fill: '#2d5bd7',
        textAnchor: 'start',
        dx: 4,
      }),
      Plot.ruleY([0]),
    ],
  });
}
