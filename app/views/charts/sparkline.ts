import * as Plot from '@observablehq/plot';

import type { SparkPoint } from '../../shared/tiles.ts';

export type { SparkPoint };

/**
 * A small monthly line with its scale (the lowest and highest month, at the
 * left) and its latest value written beside its last point; values in the
 * metric's unit. With `monthHref`, each month's point links to the units it
 * was measured on, named by its month and value.
 */
export function sparkline(
  data: SparkPoint[],
  options: { percent?: boolean; document?: Document; monthHref?: (bucketStart: string) => string } = {},
) {
  const points = data
    .filter((d) => d.value !== null)
    .map((d) => ({ start: d.bucket_start, date: new Date(`${d.bucket_start}T00:00:00Z`), value: d.value as number }));
  const show = (v: number) => (options.percent ? `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%` : v.toFixed(v < 10 ? 1 : 0));
  const values = points.map((p) => p.value);
  const [low, high] = [Math.min(...values), Math.max(...values)];
  return Plot.plot({
    document: options.document,
    width: 220,
    height: 48,
    marginTop: 6,
    marginBottom: 6,
    marginLeft: 34,
    marginRight: 38,
    style: { fontSize: '9px' },
    x: { type: 'utc', axis: null },
    // the scale: the lowest and the highest month (one tick when they are equal)
    y: {
      zero: false,
      axis: points.length > 0 ? 'left' : null,
      ticks: low === high ? [low] : [low, high],
      tickFormat: (v: number) => show(v),
      tickSize: 0,
      label: null,
    },
    marks: [
      Plot.lineY(points, { x: 'date', y: 'value', stroke: '#2d5bd7', strokeWidth: 1.5 }),
      Plot.dot(points.slice(-1), { x: 'date', y: 'value', fill: '#2d5bd7', r: 2.5 }),
      ...(options.monthHref
        ? [
            Plot.dot(points, {
              x: 'date',
              y: 'value',
              r: 5,
              fill: 'transparent',
              href: (d: { start: string }) => options.monthHref?.(d.start) ?? null,
              ariaLabel: (d: { start: string; value: number }) =>
                `${d.start.slice(0, 7)}: ${show(d.value)}, the units of that month`,
            }),
          ]
        : []),
      // the latest value, beside its point
      Plot.text(points.slice(-1), {
        x: 'date',
        y: 'value',
        text: (d: { value: number }) => show(d.value),
        dx: 5,
        textAnchor: 'start',
        fill: '#1f2933',
        fontWeight: 'bold',
      }),
      Plot.tip(
        points,
        Plot.pointerX({
          x: 'date',
          y: 'value',
          title: (d: { date: Date; value: number }) =>
            `${d.date.toISOString().slice(0, 7)}: ${options.percent ? `${(d.value * 100).toFixed(1)}%` : d.value.toFixed(1)}`,
        }),
      ),
    ],
  });
}
