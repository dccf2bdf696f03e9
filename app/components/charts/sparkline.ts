import * as Plot from '@observablehq/plot';

import type { SparkPoint } from '../../lib/tiles.ts';

export type { SparkPoint };

/** A small monthly line with the last point marked; values in the metric's unit. */
export function sparkline(data: SparkPoint[], options: { percent?: boolean; document?: Document } = {}) {
  const points = data
    .filter((d) => d.value !== null)
    .map((d) => ({ date: new Date(`${d.bucket_start}T00:00:00Z`), value: d.value as number }));
  return Plot.plot({
    document: options.document,
    width: 220,
    height: 44,
    margin: 4,
    axis: null,
    x: { type: 'utc' },
    y: { zero: false, percent: options.percent },
    marks: [
      Plot.lineY(points, { x: 'date', y: 'value', stroke: '#2d5bd7', strokeWidth: 1.5 }),
      Plot.dot(points.slice(-1), { x: 'date', y: 'value', fill: '#2d5bd7', r: 2.5 }),
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
