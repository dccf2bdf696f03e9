/** Chart builders for the trends page. */
import * as Plot from '@observablehq/plot';
import type { PPoint } from '../../lib/trends.ts';

interface Opts {
  label: string;
  width?: number;
  document?: Document;
}

const at = (s: string) => new Date(`${s}T00:00:00Z`);

/** p-chart: each bucket's rate, the pooled centre line, and per-bucket 3-sigma limits; signals in red. */
export function pChartPlot(points: PPoint[], options: Opts) {
  const data = points.map((p) => ({ ...p, date: at(p.bucket_start) }));
  return Plot.plot({
    document: options.document,
    width: options.width ?? 560,
    height: 240,
    x: { type: 'utc', label: 'Bucket start' },
    // percent: true scales values by 100, so the domain is in percent too
    y: {
      label: `${options.label} (%)`,
      percent: true,
      grid: true,
      domain: [0, 100 * Math.min(1, Math.max(0.05, ...data.map((d) => Math.max(d.ucl, d.rate))) * 1.1)],
    },
    color: { domain: ['within limits', 'signal'], range: ['#2d5bd7', '#b42318'], legend: true },
    marks: [
      Plot.areaY(data, { x: 'date', y1: 'lcl', y2: 'ucl', curve: 'step', fill: '#2d5bd7', fillOpacity: 0.08 }),
      Plot.lineY(data, { x: 'date', y: 'ucl', curve: 'step', stroke: '#9fb3e8', strokeDasharray: '3,3' }),
      Plot.lineY(data, { x: 'date', y: 'lcl', curve: 'step', stroke: '#9fb3e8', strokeDasharray: '3,3' }),
      Plot.ruleY(data.slice(0, 1), { y: 'centre', stroke: '#1f2933' }),
      Plot.lineY(data, { x: 'date', y: 'rate', stroke: '#7b8794' }),
      Plot.dot(data, {
        x: 'date',
        y: 'rate',
        r: 3.5,
        fill: (d: PPoint) => (d.signal ? 'signal' : 'within limits'),
        tip: true,
        title: (d: PPoint) =>
          `${d.bucket_start}: ${(d.rate * 100).toFixed(1)}% (${d.k}/${d.n})\nlimits ${(d.lcl * 100).toFixed(1)}–${(d.ucl * 100).toFixed(1)}%${d.signal ? `\nsignal: ${d.signal} the limits` : ''}`,
      }),
    ],
  });
}

export interface SegmentPoint {
  bucket_start: string;
  segment: string;
  rate: number | null;
}

/** Planned and emergency units side by side: one line each. */
export function segmentsPlot(points: SegmentPoint[], options: Opts) {
  const data = points.filter((p) => p.rate !== null).map((p) => ({ ...p, date: at(p.bucket_start) }));
  return Plot.plot({
    document: options.document,
    width: options.width ?? 560,
    height: 240,
    x: { type: 'utc', label: 'Bucket start' },
    y: { label: `${options.label} (%)`, percent: true, grid: true },
    color: { domain: ['planned', 'emergency'], range: ['#2d5bd7', '#b42318'], legend: true },
    marks: [Plot.lineY(data, { x: 'date', y: 'rate', stroke: 'segment', marker: 'dot', tip: true }), Plot.ruleY([0])],
  });
}

export interface BacklogPoint {
  bucket_end: string;
  backlog: number;
  overdue: number;
}

/** The backlog and its overdue part at each bucket end: does the backlog grow? */
export function backlogPlot(points: BacklogPoint[], options: Opts) {
  const data = points.flatMap((p) => [
    { date: at(p.bucket_end), count: p.backlog, series: 'in backlog' },
    { date: at(p.bucket_end), count: p.overdue, series: 'overdue' },
  ]);
  return Plot.plot({
    document: options.document,
    width: options.width ?? 560,
    height: 240,
    x: { type: 'utc', label: 'Bucket end' },
    y: { label: options.label, grid: true, zero: true },
    color: { domain: ['in backlog', 'overdue'], range: ['#2d5bd7', '#b42318'], legend: true },
    marks: [Plot.lineY(data, { x: 'date', y: 'count', stroke: 'series', marker: 'dot', tip: true }), Plot.ruleY([0])],
  });
}
