/**
 * Chart builders for the incident patterns page. Pure: (data, options) =>
 * element. The incident charts draw counts made in SQL (IncidentCharts,
 * queries/incidents.ts), a few hundred rows for any number of incidents.
 * (Over 300 lines: one builder per figure of one page, each short, each with
 * the link and the named count its marks carry.)
 */
import * as Plot from '@observablehq/plot';
import type { IncidentCharts, NamedCount } from '../../../queries/incidents.ts';
import { fraction, unitRates } from '../../../queries/measures.ts';

interface Opts {
  width?: number;
  document?: Document;
}

const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** "1 incident", "3 incidents": a mark's count as its accessible name says it. */
const incidentCount = (n: number, kind = '') => `${n} ${kind}${kind ? ' ' : ''}incident${n === 1 ? '' : 's'}`;

/** The 3-hour band an hour falls in, as "18-21". */
const hourBand = (hour: number) => {
  const start = Math.floor(hour / 3) * 3;
  return `${String(start).padStart(2, '0')}-${String(start + 3).padStart(2, '0')}`;
};
const hourBands = [0, 3, 6, 9, 12, 15, 18, 21].map(hourBand);

/**
 * Attributed incidents per service and week of opening. `cellHref`: where a
 * cell leads (the incidents of that unit service opened that week).
 */
export function serviceWeekHeatmap(
  cells: IncidentCharts['service_week'],
  options: Opts & { cellHref?: (service: string, week: string) => string } = {},
) {
  const data = cells.map((c) => ({ ...c, week: new Date(`${c.opened_week}T00:00:00Z`) }));
  type Cell = (typeof data)[number];
  return Plot.plot({
    document: options.document,
    width: options.width ?? 700,
    marginLeft: 110,
    marginBottom: 44,
    padding: 0,
    x: {
      type: 'band',
      label: 'Week opened',
      // below the month ticks, not on them
      labelAnchor: 'center',
      labelOffset: 38,
      tickFormat: (d: Date) => (d.getUTCDate() <= 7 ? d.toISOString().slice(0, 7) : ''),
    },
    y: { label: null },
    color: { scheme: 'oranges', legend: true, label: 'Attributed incidents' },
    marks: [
      Plot.cell(data, {
        x: 'week',
        y: 'service',
        fill: 'incidents',
        inset: 0.5,
        title: (c: Cell) =>
          `${c.service ?? '(no service)'}, week of ${c.opened_week}: ${incidentCount(c.incidents)}${options.cellHref && c.service ? '\nclick for these incidents' : ''}`,
        ...(options.cellHref
          ? { href: (c: Cell) => (c.service ? (options.cellHref?.(c.service, c.opened_week) ?? null) : null) }
          : {}),
      }),
    ],
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
 * The Pareto's bars: counts by a value, largest first (ties by name), the top
 * ones each, the rest summed in one "other" bar, so the cumulative line ends at
 * 100%. An empty value counts as "(none)".
 */
export function paretoRows(values: NamedCount[], top = 15): ParetoRow[] {
  const counts = new Map<string, number>();
  for (const v of values) {
    const k = v.name || '(none)';
    counts.set(k, (counts.get(k) ?? 0) + v.incidents);
  }
  const total = values.reduce((sum, v) => sum + v.incidents, 0) || 1;
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
  values: NamedCount[],
  options: Opts & {
    label: string;
    top?: number;
    barHref?: (name: string) => string;
  },
) {
  const rows = paretoRows(values, options.top ?? 15);
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

const riskDomain = ['low', 'medium', 'high', 'critical', 'unknown'];

/**
 * Attributed incidents by the unit's type and risk; each bar stacks the risks
 * in their order, lowest first. `barHref`: where a segment leads (the
 * incidents of units of that type and risk).
 */
export function typeRiskBars(
  counts: IncidentCharts['type_risk'],
  options: Opts & { barHref?: (type: string, risk: string) => string } = {},
) {
  const rank = (risk: string) => (riskDomain.includes(risk) ? riskDomain.indexOf(risk) : riskDomain.length);
  const data = counts
    .map((c) => ({ ...c, type: c.unit_type ?? '(none)' }))
    .sort((a, b) => rank(a.risk) - rank(b.risk) || a.risk.localeCompare(b.risk));
  return Plot.plot({
    document: options.document,
    width: options.width ?? 560,
    marginLeft: 90,
    x: { label: 'Attributed incidents', grid: true },
    y: { label: 'Type' },
    color: {
      domain: riskDomain,
      range: ['#9fb3e8', '#5b7fdc', '#e0892a', '#b42318', '#cbd2d9'],
      legend: true,
      label: 'Risk',
    },
    marks: [
      Plot.barX(data, {
        y: 'type',
        x: 'incidents',
        fill: 'risk',
        title: (d: (typeof data)[number]) =>
          `${d.type}, risk ${d.risk}: ${incidentCount(d.incidents)}${options.barHref && d.unit_type ? '\nclick for these incidents' : ''}`,
        ...(options.barHref
          ? {
              href: (d: (typeof data)[number]) =>
                d.unit_type ? (options.barHref?.(d.unit_type, d.risk) ?? null) : null,
            }
          : {}),
      }),
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
    const rate = fraction(unitRates.change_failure_rate(c));
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

/**
 * Attributed incidents by weekday and 3-hour band of their unit's go-live
 * (reporting time zone). `cellHref`: where a cell leads (its incidents).
 */
export function goliveIncidentHeatmap(
  cells: IncidentCharts['golive'],
  options: Opts & { cellHref?: (weekday: number, hourBand: number) => string } = {},
) {
  const data = cells.map((c) => ({
    weekday: c.golive_weekday,
    hour_band: c.hour_band,
    day: weekdays[c.golive_weekday - 1],
    band: hourBand(c.hour_band),
    incidents: c.incidents,
  }));
  type Cell = (typeof data)[number];
  return Plot.plot({
    document: options.document,
    width: options.width ?? 560,
    padding: 0.05,
    marginLeft: 64,
    x: { domain: weekdays, label: 'Go-live weekday' },
    // the label sits above the row labels, not on them (as in weekdayHourHeatmap)
    y: { domain: hourBands, label: 'Go-live hour', labelAnchor: 'top', labelOffset: 56 },
    color: { scheme: 'oranges', legend: true, label: 'Attributed incidents' },
    marks: [
      Plot.cell(data, {
        x: 'day',
        y: 'band',
        fill: 'incidents',
        inset: 0.5,
        title: (c: Cell) =>
          `${c.day} ${c.band}h: ${incidentCount(c.incidents)}${options.cellHref ? '\nclick for these incidents' : ''}`,
        ...(options.cellHref ? { href: (c: Cell) => options.cellHref?.(c.weekday, c.hour_band) ?? null } : {}),
      }),
    ],
  });
}

const ruleDomain = ['confirmed', 'reviewed', 'likely'];
const ruleColors: Record<string, string> = { confirmed: '#b42318', reviewed: '#7a1c12', likely: '#e0892a' };

/**
 * Hours from go-live to incident, with the attribution window marked. The
 * bins were counted in SQL with `hours.edges`: one bar per bin and rule,
 * stacked, each leading to its incidents (`barHref`).
 */
export function hoursHistogram(
  hours: IncidentCharts['hours'],
  options: Opts & {
    windowHours: number;
    /** Where a bar leads: the incidents of that rule whose hours fall in [from, to) (null: open, the clipped ends). */
    barHref?: (from: number | null, to: number | null, rule: string) => string;
  },
) {
  const { edges, hours_before: min, clip_hours: max } = hours;
  const last = edges.length - 2;
  const data = hours.bins
    .map((b) => ({
      rule: b.rule,
      bin: b.bin,
      x1: edges[b.bin] ?? min,
      x2: edges[b.bin + 1] ?? max,
      incidents: b.incidents,
      // the first and last bins also hold the hours clipped to them
      from: b.bin === 0 ? null : (edges[b.bin] ?? null),
      to: b.bin >= last ? null : (edges[b.bin + 1] ?? null),
    }))
    .sort((a, b) => ruleDomain.indexOf(a.rule) - ruleDomain.indexOf(b.rule) || a.x1 - b.x1);
  type Bar = (typeof data)[number];
  const span = (d: Bar) =>
    d.from === null && d.to === null
      ? 'at any hour'
      : d.from === null
        ? `less than ${d.to} h after go-live`
        : d.to === null
          ? `${d.from} h or more after go-live`
          : `${d.from} to ${d.to} h after go-live`;
  const shownRules = ruleDomain.filter((r) => r !== 'reviewed' || data.some((d) => d.rule === r));
  return Plot.plot({
    document: options.document,
    width: options.width ?? 700,
    x: {
      label: `Hours from go-live to incident opened (clipped to ${String(min).replace('-', '−')}..${max})`,
      domain: [min, max],
    },
    y: { label: 'Attributed incidents', grid: true },
    // a person's confirmations are their own colour, named in the legend only where there are some
    color: { domain: shownRules, range: shownRules.map((r) => ruleColors[r] as string), legend: true },
    marks: [
      // Plot bins each counted bin (at its lower edge) into the same edges and sums: the bars, their
      // 0.5 px gaps and the stacking (confirmed below likely) are Plot's own binning's. A bar's title and
      // link are reduced from the one counted bin it holds.
      Plot.rectY(
        data,
        Plot.binX<Plot.RectYOptions>(
          {
            y: 'sum',
            title: (bars: Bar[]) => {
              const d = bars[0] as Bar;
              const n = bars.reduce((sum, b) => sum + b.incidents, 0);
              return `${incidentCount(n, d.rule)} ${span(d)}${options.barHref ? '\nclick for these incidents' : ''}`;
            },
            ...(options.barHref
              ? {
                  href: (bars: Bar[]) =>
                    options.barHref?.(bars[0]?.from ?? null, bars[0]?.to ?? null, bars[0]?.rule ?? ''),
                }
              : {}),
          },
          {
            x: 'x1',
            y: 'incidents',
            fill: 'rule',
            thresholds: edges,
            title: (d: Bar) => d,
            ...(options.barHref ? { href: (d: Bar) => d } : {}),
          },
        ),
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
