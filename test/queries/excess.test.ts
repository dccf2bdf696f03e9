/**
 * Excess incidents read honestly (queries/excess.ts): a floor under a zero
 * background, too little history, and the Benjamini–Hochberg control over the
 * period's units. Expected values computed by hand (and checked with an
 * independent script): Poisson tails 1 - sum e^-l l^i / i!.
 */
import { describe, expect, it } from 'vitest';
import { formatP } from '../../app/shared/format.ts';
import { type ExcessInput, excessReadings, flooredExpected } from '../../queries/excess.ts';
import { benjaminiHochberg } from '../../queries/stats.ts';

const unit = (
  id: string,
  observed: number,
  expected: number,
  background = 5,
  start = '2025-03-10T10:00:00Z',
): ExcessInput => ({
  unit_id: id,
  is_completed: true,
  post_release_incidents: observed,
  background_incidents: background,
  expected_incidents: expected,
  start_at: start,
  end_at: '2025-03-10T12:00:00Z',
});

describe('excess incidents, read honestly', () => {
  it('Benjamini–Hochberg: q = min over the larger p of m / rank * p', () => {
    // sorted 0.01, 0.03, 0.04, 0.2 -> 0.04, 0.06, 0.0533, 0.2 -> running minimum from the top: 0.04, 0.0533, 0.0533, 0.2
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.2]);
    expect(q[0]).toBeCloseTo(0.04, 12);
    expect(q[1]).toBeCloseTo(0.04 * (4 / 3), 12);
    expect(q[2]).toBeCloseTo(0.04 * (4 / 3), 12);
    expect(q[3]).toBeCloseTo(0.2, 12);
    expect(benjaminiHochberg([])).toEqual([]);
    expect(benjaminiHochberg([0.9, 0.95])).toEqual([0.95, 0.95]);
  });

  it('floors a zero background at half an incident over the 28 days, so one incident is not p = 0', () => {
    // 2 h from start to end plus the 48 h window: 0.5 / (28 * 24) * 50 = 0.0372024
    const zero = unit('Z', 1, 0, 0);
    expect(flooredExpected(zero, 48)).toBeCloseTo(0.0372024, 7);
    const reading = excessReadings([zero], 48, '2024-01-01T00:00:00Z').get('Z');
    // 1 - e^-0.0372024 = 0.0365189
    expect(reading?.excess_p_floored).toBeCloseTo(0.0365189, 7);
    // with a background, the contract's expectation is used as it is
    expect(flooredExpected(unit('B', 1, 0.8, 3), 48)).toBe(0.8);
  });

  it('controls the false-discovery rate over the family: p < 0.05 alone is not enough among many', () => {
    const family = [unit('u1', 3, 0.5), unit('u2', 2, 1), unit('u3', 4, 0.2), unit('u4', 2, 0.35)];
    const r = excessReadings(family, 48, '2024-01-01T00:00:00Z');
    // p: u1 0.0143877, u2 0.2642411, u3 0.0000568, u4 0.0486711
    expect(r.get('u1')?.excess_p_floored).toBeCloseTo(0.0143877, 7);
    expect(r.get('u4')?.excess_p_floored).toBeCloseTo(0.0486711, 7);
    // q: u3 4 * 0.0000568 = 0.0002274, u1 2 * 0.0143877 = 0.0287754, u4 4/3 * 0.0486711 = 0.0648948, u2 0.2642411
    expect(r.get('u3')?.excess_q_value).toBeCloseTo(0.0002274, 7);
    expect(r.get('u1')?.excess_q_value).toBeCloseTo(0.0287754, 7);
    expect(r.get('u4')?.excess_q_value).toBeCloseTo(0.0648948, 7);
    expect(r.get('u2')?.excess_q_value).toBeCloseTo(0.2642411, 7);
    expect(family.map((u) => r.get(u.unit_id)?.is_excess_fdr)).toEqual([true, false, true, false]);
  });

  it('says "too little history" for a unit that starts within 28 days of the first incident, and leaves it out of the family', () => {
    const early = unit('E', 4, 0.2, 5, '2024-01-20T10:00:00Z');
    const later = unit('L', 3, 0.5);
    const r = excessReadings([early, later], 48, '2024-01-01T00:00:00Z');
    expect(r.get('E')).toMatchObject({ too_little_history: true, excess_q_value: null, is_excess_fdr: false });
    // the family is L alone: q = p
    expect(r.get('L')?.excess_q_value).toBeCloseTo(0.0143877, 7);
    expect(excessReadings([later], 48, null).get('L')?.too_little_history).toBe(true);
  });

  it('writes p-values with sensible precision', () => {
    expect(formatP(0)).toBe('p < 0.001');
    expect(formatP(0.000568)).toBe('p < 0.001');
    expect(formatP(0.0143877)).toBe('p = 0.014');
    expect(formatP(0.26)).toBe('p = 0.26');
  });
});
