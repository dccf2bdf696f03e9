/** One unit with its records and the incidents around it (the release detail page). */
import { z } from 'zod';
import { runQuery } from './models.ts';
import type { KpiParams } from './params.ts';
import { withModels } from './snapshot.ts';
import { type UnitRow, unitRowSchema } from './units.ts';

const instant = z
  .date()
  .nullable()
  .transform((d) => (d ? d.toISOString() : null));

export const recordRowSchema = z.object({
  record: z.enum(['change', 'deployment']),
  id: z.string(),
  kind: z.string().nullable(),
  risk: z.string().nullable(),
  ci: z.string().nullable(),
  environment: z.string().nullable(),
  started_at: instant,
  finished_at: instant,
  status: z.string().nullable(),
  is_rollback: z.boolean().nullable(),
  reverts: z.string().nullable(),
  strategy: z.string().nullable(),
});
export type RecordRow = z.output<typeof recordRowSchema>;

export const nearbyIncidentSchema = z.object({
  incident_id: z.string(),
  opened_at: instant,
  resolved_at: instant,
  priority: z.number(),
  service: z.string().nullable(),
  ci: z.string().nullable(),
  category: z.string().nullable(),
  title: z.string().nullable(),
  problem_id: z.string().nullable(),
  caused_by_change_id: z.string().nullable(),
  caused_by_release_id: z.string().nullable(),
  attribution: z.enum(['confirmed', 'likely', 'other unit', 'not attributed']),
  attributed_to: z.string().nullable(),
  hours_after_golive: z.number().nullable(),
});
export type NearbyIncident = z.output<typeof nearbyIncidentSchema>;

export interface UnitDetail {
  unit: UnitRow;
  records: RecordRow[];
  incidents: NearbyIncident[];
}

/** The unit of the chosen kind with this id, or null when there is none. */
export function getUnitDetail(p: KpiParams, unitId: string): Promise<UnitDetail | null> {
  return withModels(async (conn) => {
    const [row] = await runQuery(conn, 'detail_unit', {
      unit: p.unit,
      unit_id: unitId,
      window_hours: p.window,
      failure_max_priority: p.severity,
      tz: p.tz,
    });
    if (!row) return null;
    const records = await runQuery(conn, 'detail_unit_records', { unit: p.unit, unit_id: unitId });
    const incidents = await runQuery(conn, 'detail_unit_incidents', {
      unit: p.unit,
      unit_id: unitId,
      window_hours: p.window,
    });
    return {
      unit: unitRowSchema.parse(row),
      records: records.map((r) => recordRowSchema.parse(r)),
      incidents: incidents.map((r) => nearbyIncidentSchema.parse(r)),
    };
  }, p);
}

/** A plain sentence comparing the incidents in the window with the service's background rate. */
export function excessSentence(d: UnitDetail, p: KpiParams): string | null {
  const u = d.unit;
  if (u.expected_incidents === null || u.excess_p_value === null) return null;
  const seen = `${u.post_release_incidents} incident${u.post_release_incidents === 1 ? '' : 's'} in the ${p.window}-hour window`;
  const expected = `${u.expected_incidents.toFixed(2)} expected from ${u.service}'s background rate (${u.background_incidents} unattributed incidents in the 28 days before)`;
  const reading = u.is_excess
    ? `more than chance explains (Poisson p = ${u.excess_p_value.toPrecision(2)})`
    : 'within normal variation';
  return `${seen} against ${expected}: ${reading}.`;
}

/** A plain sentence saying why the unit counts as failed or successful. */
export function verdict(d: UnitDetail, p: KpiParams): string {
  const u = d.unit;
  const kind = p.unit;
  if (!u.is_completed) {
    return u.is_cancelled
      ? `This ${kind} was cancelled, so it is not counted in the KPIs.`
      : `This ${kind} has not gone live yet (status ${u.record_status ?? 'unknown'}), so it is not counted yet.`;
  }
  const failing = d.incidents.filter(
    (i) => (i.attribution === 'confirmed' || i.attribution === 'likely') && i.priority <= p.severity,
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
