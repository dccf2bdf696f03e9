/** Chart builders for the trends page. */
import * as Plot from '@observablehq/plot';
import type { PPoint, TrendEvent } from '../../shared/trends.ts';

interface Opts {
  label: string;
  width?: number;
  document?: Document;
}

/** What a p-chart draws besides its points: the compare date, events and freeze windows. */
export interface TrendMarks {
  /** The compare date, when one was chosen (it starts a phase). */
  split?: string | null;
  events?: TrendEvent[];
  freezes?: { from: string; to: string; label: string }[];
  /** The KPI's target in force, drawn as a line: at most `max` or at least `min` (a fraction). */
  target?: { max: number } | { min: number } | null;
  /** Where a point leads: the units of its bucket. */
  pointHref?: (bucketStart: string) => string;
}

const at = (s: string) => new Date(`${s}T00:00:00Z`);
const FREEZE = '#f0b429';
const LIMITS = '#2d5bd7';

const targetText = (target: NonNullable<TrendMarks['target']>) => {
  const value = 'max' in target ? target.max : target.min;
  return `target ${'max' in target ? '≤' : '≥'} ${Math.round(value * 1000) / 10}%`;
};

/** The target as a green dashed line (named in the key). */
function targetMarks(target: TrendMarks['target']) {
  if (!target) return [];
  const value = 'max' in target ? target.max : target.min;
  return [
    Plot.ruleY([value], {
      stroke: '#1f7a4d',
      strokeDasharray: '6,3',
      strokeWidth: 1.5,
      title: () => targetText(target),
    }),
  ];
}

/** One entry of a chart's key: a small drawing of the mark, and its name. */
interface KeyEntry {
  label: string;
  /** The swatch: a band (fill) or a line (stroke, dashed or not), or a number (a boundary). */
  swatch: { fill: string; opacity?: number } | { stroke: string; dash?: string } | { number: number };
}

const SVG = 'http://www.w3.org/2000/svg';

/**
 * A key naming every band and line a chart draws, as a list under it (the
 * points' colours are Plot's own legend above it). Numbered entries name the
 * numbered rules at the chart's top, so long labels never overlap there.
 */
function chartKey(doc: Document, entries: KeyEntry[]): HTMLElement {
  const list = doc.createElement('ul');
  list.className = 'chart-key';
  for (const e of entries) {
    const item = doc.createElement('li');
    const svg = doc.createElementNS(SVG, 'svg');
    svg.setAttribute('width', '22');
    svg.setAttribute('height', '12');
    svg.setAttribute('aria-hidden', 'true');
    const sw = e.swatch;
    if ('fill' in sw) {
      const rect = doc.createElementNS(SVG, 'rect');
      for (const [k, v] of Object.entries({ x: '1', y: '1', width: '20', height: '10', fill: sw.fill }))
        rect.setAttribute(k, v);
      rect.setAttribute('fill-opacity', String(sw.opacity ?? 1));
      svg.append(rect);
    } else if ('stroke' in sw) {
      const line = doc.createElementNS(SVG, 'line');
      for (const [k, v] of Object.entries({
        x1: '1',
        x2: '21',
        y1: '6',
        y2: '6',
        stroke: sw.stroke,
        'stroke-width': '2',
      }))
        line.setAttribute(k, v);
      if (sw.dash) line.setAttribute('stroke-dasharray', sw.dash);
      svg.append(line);
    } else {
      const text = doc.createElementNS(SVG, 'text');
      for (const [k, v] of Object.entries({
        x: '11',
        y: '10',
        'text-anchor': 'middle',
        'font-size': '10',
        'font-weight': 'bold',
      }))
        text.setAttribute(k, v);
      text.textContent = String(sw.number);
      svg.append(text);
    }
    item.append(svg, doc.createTextNode(` ${e.label}`));
    list.append(item);
  }
  return list;
}

const signalOf = (d: PPoint) => (d.signal ? 'outside the limits' : d.run ? 'run on one side' : 'within limits');

/**
 * p-chart: each bucket's rate, its phase's pooled centre line and per-bucket
 * 3-sigma limits; points outside the limits in red, runs in orange; phase
 * boundaries (compare date, events) as labelled rules, freezes shaded.
 */
export function pChartPlot(points: PPoint[], options: Opts & TrendMarks) {
  const data = points.map((p) => ({ ...p, date: at(p.bucket_start) }));
  const boundaries = [
    ...(options.split ? [{ date: at(options.split), label: `compare ${options.split}` }] : []),
    ...(options.events ?? []).map((e) => ({ date: at(e.date), label: `${e.date}: ${e.label}` })),
  ]
    .sort((a, b) => a.date.getTime() - b.date.getTime())
    .map((b, i) => ({ ...b, number: i + 1 }));
  const freezes = (options.freezes ?? []).map((f) => ({ ...f, x1: new Date(f.from), x2: new Date(f.to) }));
  const targetValue = options.target ? ('max' in options.target ? options.target.max : options.target.min) : 0;
  const top = Math.min(1, Math.max(0.05, targetValue, ...data.map((d) => Math.max(d.ucl, d.rate))) * 1.15);
  const plot = Plot.plot({
    document: options.document,
    width: options.width ?? 560,
    height: 240,
    marginTop: boundaries.length > 0 ? 24 : 20,
    // the axis label centred under two-line ticks (month, year), never beside the last one
    x: { type: 'utc', label: 'Bucket start', labelAnchor: 'center', labelOffset: 40 },
    marginBottom: 48,
    // percent: true scales values by 100, so the domain is in percent too
    y: { label: `${options.label} (%)`, percent: true, grid: true, domain: [0, 100 * top] },
    color: {
      domain: ['within limits', 'run on one side', 'outside the limits'],
      range: ['#2d5bd7', '#c05621', '#b42318'],
      legend: true,
    },
    marks: [
      Plot.rectX(freezes, { x1: 'x1', x2: 'x2', fill: FREEZE, fillOpacity: 0.15, title: 'label' }),
      Plot.areaY(data, {
        x: 'date',
        y1: 'lcl',
        y2: 'ucl',
        z: 'phase',
        curve: 'step',
        fill: '#2d5bd7',
        fillOpacity: 0.08,
      }),
      Plot.lineY(data, { x: 'date', y: 'ucl', z: 'phase', curve: 'step', stroke: '#9fb3e8', strokeDasharray: '3,3' }),
      Plot.lineY(data, { x: 'date', y: 'lcl', z: 'phase', curve: 'step', stroke: '#9fb3e8', strokeDasharray: '3,3' }),
      Plot.lineY(data, { x: 'date', y: 'centre', z: 'phase', curve: 'step', stroke: '#1f2933' }),
      Plot.ruleX(boundaries, { x: 'date', stroke: '#1f2933', strokeDasharray: '4,2', title: 'label' }),
      ...targetMarks(options.target),
      // each boundary's number at the top; its words are in the key, where they cannot overlap
      Plot.text(boundaries, {
        x: 'date',
        text: (b: { number: number }) => String(b.number),
        frameAnchor: 'top',
        dy: -12,
        fontSize: 10,
        fontWeight: 'bold',
        title: 'label',
      }),
      Plot.lineY(data, { x: 'date', y: 'rate', stroke: '#7b8794' }),
      Plot.dot(data, {
        x: 'date',
        y: 'rate',
        r: 3.5,
        fill: signalOf,
        tip: true,
        ...(options.pointHref
          ? {
              href: (d: PPoint) => options.pointHref?.(d.bucket_start) ?? null,
              // the tip shows the title; a link's name (accessibleChart) comes from here
              ariaLabel: (d: PPoint) =>
                `${d.bucket_start}: ${(d.rate * 100).toFixed(1)}% (${d.k} of ${d.n} units), click for these units`,
            }
          : {}),
        title: (d: PPoint) =>
          `${d.bucket_start}: ${(d.rate * 100).toFixed(1)}% (${d.k} of ${d.n} units)${options.pointHref ? ', click for these units' : ''}\nphase ${d.phase + 1}: pooled ${(d.centre * 100).toFixed(1)}%, limits ${(d.lcl * 100).toFixed(1)}–${(d.ucl * 100).toFixed(1)}%${d.signal ? `\nsignal: ${d.signal} the limits` : ''}${d.run ? '\nsignal: part of a run on one side of the line' : ''}`,
      }),
    ],
  });
  const doc = options.document ?? plot.ownerDocument;
  const key = chartKey(doc, [
    { label: '3-sigma limits of each bucket (band)', swatch: { fill: LIMITS, opacity: 0.25 } },
    { label: 'pooled rate of the phase (centre line)', swatch: { stroke: '#1f2933' } },
    ...(freezes.length > 0 ? [{ label: 'freeze window', swatch: { fill: FREEZE, opacity: 0.35 } }] : []),
    ...(options.target ? [{ label: targetText(options.target), swatch: { stroke: '#1f7a4d', dash: '6,3' } }] : []),
    ...boundaries.map((b) => ({ label: b.label, swatch: { number: b.number } })),
  ]);
  const wrap = doc.createElement('div');
  wrap.className = 'chart-with-key';
  wrap.append(plot, key);
  return wrap;
}

export interface SegmentPoint {
  bucket_start: string;
  segment: string;
  rate: number | null;
}

/** Planned and emergency units side by side: one line each. `pointHref`: where a point leads (its units). */
export function segmentsPlot(
  points: SegmentPoint[],
  options: Opts & { pointHref?: (bucketStart: string, segment: string) => string },
) {
  const data = points.filter((p) => p.rate !== null).map((p) => ({ ...p, date: at(p.bucket_start) }));
  return Plot.plot({
    document: options.document,
    width: options.width ?? 560,
    height: 240,
    // the axis label centred under two-line ticks (month, year), never beside the last one
    x: { type: 'utc', label: 'Bucket start', labelAnchor: 'center', labelOffset: 40 },
    marginBottom: 48,
    y: { label: `${options.label} (%)`, percent: true, grid: true },
    color: { domain: ['planned', 'emergency'], range: ['#2d5bd7', '#b42318'], legend: true },
    marks: [
      Plot.lineY(data, { x: 'date', y: 'rate', stroke: 'segment' }),
      Plot.dot(data, {
        x: 'date',
        y: 'rate',
        fill: 'segment',
        r: 3,
        tip: true,
        title: (d: SegmentPoint) =>
          `${d.bucket_start}, ${d.segment}: ${((d.rate ?? 0) * 100).toFixed(1)}%${options.pointHref ? ', click for these units' : ''}`,
        ...(options.pointHref
          ? {
              href: (d: SegmentPoint) => options.pointHref?.(d.bucket_start, d.segment) ?? null,
              ariaLabel: (d: SegmentPoint) =>
                `${d.bucket_start}, ${d.segment}: ${((d.rate ?? 0) * 100).toFixed(1)}%, click for these units`,
            }
          : {}),
      }),
      Plot.ruleY([0]),
    ],
  });
}

export interface BacklogPoint {
  bucket_end: string;
  backlog: number;
  overdue: number;
}

/**
 * The backlog and its overdue part at each bucket end: does the backlog grow?
 * With `pointHref(bucket_end, series)`, each point links to the units it
 * counts, its accessible name giving the count.
 */
export function backlogPlot(
  points: BacklogPoint[],
  options: Opts & { pointHref?: (bucketEnd: string, series: string) => string },
) {
  const data = points.flatMap((p) => [
    { end: p.bucket_end, date: at(p.bucket_end), count: p.backlog, series: 'in backlog' },
    { end: p.bucket_end, date: at(p.bucket_end), count: p.overdue, series: 'overdue' },
  ]);
  type Point = (typeof data)[number];
  const name = (d: Point) => `${d.count} ${d.series === 'overdue' ? 'overdue' : 'in backlog'} at the start of ${d.end}`;
  return Plot.plot({
    document: options.document,
    width: options.width ?? 560,
    height: 240,
    // the axis label centred under two-line ticks (month, year), never beside the last one
    x: { type: 'utc', label: 'Bucket end', labelAnchor: 'center', labelOffset: 40 },
    marginBottom: 48,
    y: { label: options.label, grid: true, zero: true },
    color: { domain: ['in backlog', 'overdue'], range: ['#2d5bd7', '#b42318'], legend: true },
    marks: [
      Plot.ruleY([0]),
      Plot.lineY(data, { x: 'date', y: 'count', stroke: 'series' }),
      // the points carry the tip and, with pointHref, the link (as the p-chart's do)
      Plot.dot(data, {
        x: 'date',
        y: 'count',
        r: 3.5,
        fill: 'series',
        tip: true,
        title: (d: Point) => `${name(d)}${options.pointHref ? ', click for these units' : ''}`,
        ...(options.pointHref
          ? {
              href: (d: Point) => options.pointHref?.(d.end, d.series) ?? null,
              ariaLabel: (d: Point) => `${name(d)}, click for these units`,
            }
          : {}),
      }),
    ],
  });
}
