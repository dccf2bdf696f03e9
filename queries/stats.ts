/** Small pure statistics used by the KPI functions and the trend charts. */

export const Z95 = 1.959963984540054;

export interface Rate {
  numerator: number;
  denominator: number;
  value: number;
  ci95_low: number;
  ci95_high: number;
}

export const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** Wilson score interval for k successes in n trials. */
export function wilson(k: number, n: number, z = Z95): [number, number] {
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const margin = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return [Math.max(0, centre - margin), Math.min(1, centre + margin)];
}

/** A rate with its 95% Wilson interval, rounded to 6 decimals; null when n = 0. */
export function rate(numerator: number, denominator: number): Rate | null {
  if (denominator === 0) return null;
  const [low, high] = wilson(numerator, denominator);
  return {
    numerator,
    denominator,
    value: round(numerator / denominator, 6),
    ci95_low: round(low, 6),
    ci95_high: round(high, 6),
  };
}

export interface Duration {
  n: number;
  median: number;
  p85: number;
  mean: number;
}

/** Duration statistics rounded to 4 decimals; null when there are no values. */
export function duration(n: number, median: unknown, p85: unknown, mean: unknown): Duration | null {
  if (n === 0) return null;
  return {
    n,
    median: round(Number(median), 4),
    p85: round(Number(p85), 4),
    mean: round(Number(mean), 4),
  };
}

/** p-chart limits for a bucket of size n around a pooled rate p (3 sigma, clamped to [0, 1]). */
export function pChartLimits(p: number, n: number): { lcl: number; ucl: number } {
  const sigma = Math.sqrt((p * (1 - p)) / n);
  return { lcl: Math.max(0, p - 3 * sigma), ucl: Math.min(1, p + 3 * sigma) };
}

/**
 * Difference of two proportions (after − before) with Newcombe's hybrid score
 * interval (method 10), built from the two Wilson intervals.
 */
export function differenceInterval(
  before: { k: number; n: number },
  after: { k: number; n: number },
): { difference: number; low: number; high: number } | null {
  if (before.n === 0 || after.n === 0) return null;
  const p1 = before.k / before.n;
  const p2 = after.k / after.n;
  const [l1, u1] = wilson(before.k, before.n);
  const [l2, u2] = wilson(after.k, after.n);
  const d = p2 - p1;
  return {
    difference: d,
    low: d - Math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2),
    high: d + Math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2),
  };
}

/** P(X >= k) for X ~ Poisson(lambda): how surprising k or more events are when lambda were expected. */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  let term = Math.exp(-lambda);
  let below = term;
  for (let i = 1; i < k; i++) {
    term *= lambda / i;
    below += term;
  }
  return Math.max(0, 1 - below);
}

/**
 * Benjamini–Hochberg adjusted p-values (q-values), in the order given: the
 * smallest false-discovery rate at which each test would be called
 * significant among all of them. q_(i) = min over j >= i of m / j * p_(j),
 * capped at 1, for the p-values sorted ascending.
 */
export function benjaminiHochberg(pValues: number[]): number[] {
  const m = pValues.length;
  // indexes in order of p (a stable sort: ties keep their order)
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => (pValues[a] as number) - (pValues[b] as number));
  const q = new Array<number>(m);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const index = order[rank - 1] as number;
    running = Math.min(running, ((pValues[index] as number) * m) / rank);
    q[index] = running;
  }
  return q;
}
