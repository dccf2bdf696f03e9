/**
 * Sentences for people about one unit (the release detail): why it counts as
 * failed or successful, and how its incidents compare with the background.
 */
import type { NearbyIncident, UnitDetail } from '../../queries/detail.ts';
import type { KpiParams } from '../../queries/params.ts';
import { formatP } from './format.ts';

/** A plain sentence comparing the incidents in the window with the service's background rate. */
export function excessSentence(d: UnitDetail, p: KpiParams): string | null {
  const u = d.unit;
  if (u.expected_incidents === null || u.excess_p_value === null) return null;
  const seen = `${u.post_release_incidents} incident${u.post_release_incidents === 1 ? '' : 's'} in the ${p.window}-hour window`;
  const expected = `${u.expected_incidents.toFixed(2)} expected from ${u.service}'s background rate (${u.background_incidents} unattributed incidents in the 28 days before)`;
  const floor =
    u.background_incidents === 0 && u.excess_p_floored !== null
      ? `; the service had no background incident, so with half an incident as the floor, ${formatP(u.excess_p_floored)}`
      : '';
  if (u.too_little_history)
    return `${seen} against ${expected}: too little history to judge (Poisson ${formatP(u.excess_p_value)}${floor}), the data starts less than 28 days before this ${p.unit}, so the expectation is too low.`;
  const family =
    u.excess_q_value === null
      ? ''
      : `; among the period's ${p.unit}s, false-discovery q = ${u.excess_q_value.toPrecision(2)}`;
  const reading = u.is_excess_fdr
    ? 'more than chance explains'
    : u.is_excess
      ? `more than expected, but with this many ${p.unit}s tested that may be chance`
      : 'within normal variation';
  return `${seen} against ${expected}: ${reading} (Poisson ${formatP(u.excess_p_value)}${floor}${family}).`;
}

/** What the verdict reads: the unit, and its incidents with how each was attributed. */
export interface VerdictInput {
  unit: UnitDetail['unit'];
  incidents: Pick<NearbyIncident, 'incident_id' | 'priority' | 'attribution'>[];
}

/** A plain sentence saying why the unit counts as failed or successful. */
export function verdict(d: VerdictInput, p: KpiParams): string {
  const u = d.unit;
  const kind = p.unit;
  if (!u.is_completed) {
    return u.is_cancelled
      ? `This ${kind} was cancelled, so it is not counted in the KPIs.`
      : `This ${kind} has not gone live yet (status ${u.record_status ?? 'unknown'}), so it is not counted yet.`;
  }
  const failing = d.incidents.filter(
    (i) =>
      (i.attribution === 'confirmed' || i.attribution === 'reviewed' || i.attribution === 'likely') &&
      i.priority <= p.severity,
  );
  const reasons: string[] = [];
  if (u.own_failed) {
    reasons.push(
      u.is_rolled_back
        ? 'its records say it was rolled back'
        : `its records say it failed (status ${u.record_status ?? 'unknown'} or a failed production deployment)`,
    );
  }
  if (failing.length > 0) {
    const list = failing.map((i) => `${i.incident_id} (P${i.priority}, ${i.attribution})`).join(', ');
    reasons.push(
      `${failing.length === 1 ? 'incident' : 'incidents'} ${list} of priority P1-P${p.severity} ${failing.length === 1 ? 'is' : 'are'} attributed to it`,
    );
  }
  if (reasons.length === 0) {
    const minor = u.post_release_incidents;
    return `This ${kind} counts as successful: it went live, its records show no failure or rollback, and no incident of priority P1-P${p.severity} is attributed to it${minor > 0 ? ` (${minor} lower-priority incident${minor > 1 ? 's' : ''} in the ${p.window}-hour window)` : ''}.`;
  }
  return `This ${kind} counts as failed because ${reasons.join(', and ')}.`;
}
