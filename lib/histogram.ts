/**
 * The incident page's histogram of hours from go-live: its clipped range and
 * the edges of its bins. The server counts the incidents per bin with these
 * edges (queries/kpis/kpi_incident_charts.sql) and the chart draws the counts
 * with the same edges, so the bars are the ones Plot's own binning of every
 * incident drew.
 */
import { tickIncrement } from 'd3';

/** Hours before go-live the histogram shows at most: earlier incidents are drawn at −24. */
export const HOURS_BEFORE_GOLIVE = -24;

/** The number of bins asked for; the edges fall on round values, so the count drawn is near this one. */
export const HOURS_BINS = 48;

/** The histogram's upper clip: twice the window, at least 24 hours. */
export const hoursClip = (windowHours: number): number => Math.max(windowHours * 2, 24);

/**
 * Bin edges for values from `min` to `max`, as Plot's binX chooses them for a
 * count of thresholds over the data's extent (@observablehq/plot 0.6,
 * src/transforms/bin.js): round steps from d3's tickIncrement, the first edge
 * at or below `min`, the last strictly above `max`. A value v falls in bin i
 * when edges[i] <= v < edges[i + 1]. One edge when `min` = `max` (every value
 * in one bin).
 */
export function binEdges(min: number, max: number, count: number): number[] {
  const step = tickIncrement(min, max, count);
  if (!Number.isFinite(step) || step === 0) return [min];
  // a positive step is the width; a negative one is its inverse (-1 / width), which keeps a width below 1 exact
  const edge = step > 0 ? (i: number) => i * step : (i: number) => i / -step;
  let r0 = step > 0 ? Math.round(min / step) : Math.round(min * -step);
  let r1 = step > 0 ? Math.round(max / step) : Math.round(max * -step);
  if (!(edge(r0) <= min)) --r0;
  if (!(edge(r1) > max)) ++r1;
  return Array.from({ length: r1 - r0 + 1 }, (_, i) => edge(r0 + i));
}
