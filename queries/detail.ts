/** One unit with its records and the incidents around it (the release detail page). */
import { z } from 'zod';
import type { KpiParams } from './params.ts';
import { getDataRange } from './range.ts';
import { isoInstant } from './rowTypes.ts';
import { runQuery } from './run.ts';
import { withModels } from './snapshot.ts';
import { excessFamily, toUnitRow, type UnitRow, withReadings } from './units.ts';

const instant = isoInstant;

export const recordRowSchema = z.object({
  record: z.enum(['change', 'deployment']),
  source: z.string(),
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
  source: z.string(),
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
  attribution: z.enum(['confirmed', 'reviewed', 'likely', 'other unit', 'not attributed']),
  attributed_to: z.string().nullable(),
  hours_after_golive: z.number().nullable(),
  review: z.enum(['confirmed', 'rejected']).nullable(),
  reviewed_by: z.string().nullable(),
  review_reason: z.string().nullable(),
});
export type NearbyIncident = z.output<typeof nearbyIncidentSchema>;

export interface UnitDetail {
  unit: UnitRow;
  /** The source that sent the unit's record (for its link to that system). */
  source: string;
  records: RecordRow[];
  incidents: NearbyIncident[];
}

/** The unit of the chosen kind with this id, or null when there is none. */
export async function getUnitDetail(p: KpiParams, unitId: string): Promise<UnitDetail | null> {
  const range = await getDataRange();
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
      unit: withReadings([toUnitRow(row)], await excessFamily(conn, p), p, range.incidents_from)[0] as UnitRow,
      source: String(row.source),
      records: records.map((r) => recordRowSchema.parse(r)),
      incidents: incidents.map((r) => nearbyIncidentSchema.parse(r)),
    };
  }, p);
}
