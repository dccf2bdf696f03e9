/** getUnits: the table behind the releases page and /api/units, as plain rows. */
import { z } from 'zod';
import { bindings } from './kpis.ts';
import { runQuery } from './models.ts';
import type { KpiParams } from './params.ts';
import { withModels } from './snapshot.ts';
import { poissonUpperTail, round } from './stats.ts';

const instant = z
  .date()
  .nullable()
  .transform((d) => (d ? d.toISOString() : null));

export const unitRowSchema = z
  .object({
    unit_id: z.string(),
    title: z.string().nullable(),
    unit_type: z.string().nullable(),
    service: z.string().nullable(),
    team: z.string().nullable(),
    record_status: z.string().nullable(),
    release_id: z.string().nullable(),
    change_id: z.string().nullable(),
    strategy: z.string().nullable(),
    requested_at: instant,
    approved_at: instant,
    planned_start: instant,
    planned_end: instant,
    start_at: instant,
    end_at: instant,
    is_completed: z.boolean(),
    is_cancelled: z.boolean(),
    is_failed: z.boolean(),
    is_rolled_back: z.boolean(),
    own_failed: z.boolean(),
    post_release_incidents: z.number(),
    confirmed_incidents: z.number(),
    likely_incidents: z.number(),
    slip_minutes: z.number().nullable(),
    lead_time_hours: z.number().nullable(),
    recovery_hours: z.number().nullable(),
    is_emergency: z.boolean().nullable(),
    is_unauthorized: z.boolean().nullable(),
    is_freeze_violation: z.boolean(),
    golive_weekday: z.number().nullable(),
    golive_hour: z.number().nullable(),
    background_incidents: z.number().nullable(),
    expected_incidents: z.number().nullable(),
    // policy checks: true pass, false fail, null not applicable
    chk_authorised_before_start: z.boolean().nullable(),
    chk_rollback_tested: z.boolean().nullable(),
    chk_service_desk_notified: z.boolean().nullable(),
    chk_outside_freeze: z.boolean().nullable(),
    chk_review_on_time: z.boolean().nullable(),
    policy_failed_checks: z.number().nullable(),
  })
  // Excess incidents: observed in the window against the service's background rate (Poisson test).
  .transform((u) => {
    const p = u.expected_incidents === null ? null : poissonUpperTail(u.post_release_incidents, u.expected_incidents);
    return {
      ...u,
      excess_incidents:
        u.expected_incidents === null ? null : round(u.post_release_incidents - u.expected_incidents, 4),
      excess_p_value: p === null ? null : round(p, 6),
      is_excess: p !== null && p < 0.05 && u.post_release_incidents > (u.expected_incidents ?? 0),
    };
  });

export type UnitRow = z.output<typeof unitRowSchema>;

/** Every bound value kpi_units needs, and nothing it does not (DuckDB refuses unused names). */
export function unitBindings(p: KpiParams) {
  const { as_of: _asOf, tolerance_minutes: _tolerance, ...rest } = bindings(p);
  return rest;
}

export function getUnits(p: KpiParams): Promise<UnitRow[]> {
  return withModels(async (conn) => {
    const rows = await runQuery(conn, 'kpi_units', unitBindings(p));
    return rows.map((r) => unitRowSchema.parse(r));
  }, p);
}
