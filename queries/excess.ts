/**
 * Reading excess incidents honestly. The contract's figures stay as they are
 * (expected_incidents, excess_p_value, is_excess: a Poisson test at 0.05, see
 * docs/kpis.md); these add what a reader needs before acting on them:
 *
 *   excess_p_floored   the Poisson p with the background floored at half an
 *                      incident over the 28 days: a service with no
 *                      unattributed incident in the 28 days before is not
 *                      certain to have none, so one incident is not "p = 0"
 *   too_little_history the unit started less than 28 days after the first
 *                      incident in the data: its baseline counts fewer days
 *                      than it divides by, so its expectation is too low
 *   excess_q_value     Benjamini–Hochberg over the period's units (those with
 *                      a baseline and enough history), on the floored p: with
 *                      hundreds of units some look significant by chance alone
 *   is_excess_fdr      q < 0.05 and more incidents than the floored expectation
 */
import { benjaminiHochberg, poissonUpperTail } from './stats.ts';

export const BASELINE_DAYS = 28;
/** The background floor: half an incident over the baseline's 28 days. */
export const FLOOR_INCIDENTS = 0.5;
const DAY_MS = 86_400_000;

export interface ExcessInput {
  unit_id: string;
  is_completed: boolean;
  post_release_incidents: number;
  background_incidents: number | null;
  expected_incidents: number | null;
  /** ISO text (a table row) or a date (as the driver reads it: a family of thousands is not written as text to be parsed again). */
  start_at: string | Date | null;
  end_at: string | Date | null;
}

const msOf = (t: string | Date) => (typeof t === 'string' ? Date.parse(t) : t.getTime());

export interface ExcessReading {
  excess_p_floored: number | null;
  excess_q_value: number | null;
  too_little_history: boolean;
  is_excess_fdr: boolean;
}

const none: ExcessReading = {
  excess_p_floored: null,
  excess_q_value: null,
  too_little_history: false,
  is_excess_fdr: false,
};

/** The expectation with the background floored at FLOOR_INCIDENTS over the baseline (the contract's when above it). */
export function flooredExpected(u: ExcessInput, windowHours: number): number | null {
  if (u.expected_incidents === null || u.background_incidents === null) return null;
  if (u.background_incidents >= FLOOR_INCIDENTS || !u.start_at || !u.end_at) return u.expected_incidents;
  const hours = (msOf(u.end_at) - msOf(u.start_at)) / 3_600_000 + windowHours;
  return (FLOOR_INCIDENTS / (BASELINE_DAYS * 24)) * hours;
}

/**
 * The readings of a family of units (the completed units of one period and
 * filter set), by unit id. `incidentsFrom`: the first incident in the data.
 */
export function excessReadings(
  family: ExcessInput[],
  windowHours: number,
  incidentsFrom: string | null,
): Map<string, ExcessReading> {
  const from = incidentsFrom === null ? null : Date.parse(incidentsFrom);
  const out = new Map<string, ExcessReading>();
  // the readings of the units tested, completed with their q below (a family is thousands of units: one object each)
  const tested: { reading: ExcessReading; observed: number; expected: number }[] = [];
  for (const u of family) {
    const expected = flooredExpected(u, windowHours);
    if (!u.is_completed || expected === null || !u.start_at) {
      out.set(u.unit_id, none);
      continue;
    }
    const p = poissonUpperTail(u.post_release_incidents, expected);
    const tooLittle = from === null || msOf(u.start_at) - from < BASELINE_DAYS * DAY_MS;
    const reading: ExcessReading = {
      excess_p_floored: p,
      excess_q_value: null,
      too_little_history: tooLittle,
      is_excess_fdr: false,
    };
    out.set(u.unit_id, reading);
    if (!tooLittle) tested.push({ reading, observed: u.post_release_incidents, expected });
  }
  const q = benjaminiHochberg(tested.map((t) => t.reading.excess_p_floored as number));
  tested.forEach((t, i) => {
    const qValue = q[i] ?? 1;
    t.reading.excess_q_value = qValue;
    t.reading.is_excess_fdr = qValue < 0.05 && t.observed > t.expected;
  });
  return out;
}
