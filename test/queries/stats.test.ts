import { describe, expect, it } from 'vitest';
import { differenceInterval, pChartLimits, poissonUpperTail, rate, wilson } from '../../queries/stats.ts';

describe('statistics', () => {
  it('Wilson interval matches a textbook value (Newcombe 1998: 81/263)', () => {
    const [low, high] = wilson(81, 263);
    expect(low).toBeCloseTo(0.2553, 4);
    expect(high).toBeCloseTo(0.3662, 4);
  });

  it('a rate over nothing is null', () => {
    expect(rate(0, 0)).toBeNull();
    expect(rate(0, 5)).toMatchObject({ value: 0, ci95_low: 0 });
  });

  it("Newcombe's difference interval matches the published example (56/70 vs 48/80)", () => {
    // Newcombe 1998, example (a): 56/70 - 48/80 = 0.2, 95% CI 0.0524 to 0.3339 (method 10)
    const d = differenceInterval({ k: 48, n: 80 }, { k: 56, n: 70 });
    expect(d?.difference).toBeCloseTo(0.2, 6);
    expect(d?.low).toBeCloseTo(0.0524, 3);
    expect(d?.high).toBeCloseTo(0.3339, 3);
  });

  it('p-chart limits are 3 sigma around the pooled rate and stay within [0, 1]', () => {
    const { lcl, ucl } = pChartLimits(0.2, 100);
    expect(lcl).toBeCloseTo(0.08, 6);
    expect(ucl).toBeCloseTo(0.32, 6);
    expect(pChartLimits(0.05, 4).lcl).toBe(0);
  });

  it('Poisson upper tail P(X >= k)', () => {
    expect(poissonUpperTail(0, 3)).toBe(1);
    expect(poissonUpperTail(1, 1)).toBeCloseTo(1 - Math.exp(-1), 12);
    expect(poissonUpperTail(3, 0.5)).toBeCloseTo(1 - Math.exp(-0.5) * (1 + 0.5 + 0.125), 12);
    expect(poissonUpperTail(2, 0)).toBe(0);
  });
});
