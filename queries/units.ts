/** getUnits: the table behind the releases page and /api/units, as plain rows. */
import { BIGINT, INTEGER } from '@duckdb/node-api';
import { z } from 'zod';
import { bindings } from './kpis.ts';
import { runQuery } from './models.ts';
import type { KpiParams } from './params.ts';
import { withModels } from './snapshot.ts';
import { poissonUpperTail, round } from './stats.ts';

const instant = z.date().nullable();
const instantKeys = ['requested_at', 'approved_at', 'planned_start', 'planned_end', 'start_at', 'end_at'] as const;
type InstantKey = (typeof instantKeys)[number];

/** The columns of kpi_units and detail_unit as the driver gives them. */
const unitColumnsSchema = z.object({
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
});
type UnitColumns = z.output<typeof unitColumnsSchema>;

export type UnitRow = Omit<UnitColumns, InstantKey> &
  Record<InstantKey, string | null> & {
    excess_incidents: number | null;
    excess_p_value: number | null;
    is_excess: boolean;
  };

/**
 * One unit row: its columns checked, instants as ISO text, and the excess
 * incidents, observed in the window against the service's background rate
 * (Poisson test). Written as a loop over the checked copy rather than zod
 * transforms: a quarter has thousands of rows and this runs on every first
 * request of the releases page.
 */
export function toUnitRow(raw: unknown): UnitRow {
  const u: Record<string, unknown> = unitColumnsSchema.parse(raw);
  for (const key of instantKeys) u[key] = (u[key] as Date | null)?.toISOString() ?? null;
  const row = u as unknown as UnitRow;
  const p =
    row.expected_incidents === null ? null : poissonUpperTail(row.post_release_incidents, row.expected_incidents);
  row.excess_incidents =
    row.expected_incidents === null ? null : round(row.post_release_incidents - row.expected_incidents, 4);
  row.excess_p_value = p === null ? null : round(p, 6);
  row.is_excess = p !== null && p < 0.05 && row.post_release_incidents > (row.expected_incidents ?? 0);
  return row;
}

/** Every bound value kpi_units needs, and nothing it does not (DuckDB refuses unused names). */
export function unitBindings(p: KpiParams) {
  const { as_of: _asOf, tolerance_minutes: _tolerance, ...rest } = bindings(p);
  return rest;
}

export function getUnits(p: KpiParams): Promise<UnitRow[]> {
  return withModels(async (conn) => {
    const rows = await runQuery(conn, 'kpi_units', unitBindings(p));
    return rows.map(toUnitRow);
  }, p);
}

/** The releases table's view that SQL can apply: search, outcome (not 'excess'), sort. */
export interface UnitsViewQuery {
  q: string;
  outcome: 'all' | 'failed' | 'succeeded' | 'rolled_back' | 'open';
  sort: string;
  dir: 'asc' | 'desc';
  /** Only units that went live on this ISO weekday and 3-hour band (report time zone). */
  slot?: { weekday: number; hourBand: number } | null;
}

/** One page of the releases table's view, searched, filtered, sorted and paged in SQL, and the view's row count. */
export function getUnitsPage(
  p: KpiParams,
  view: UnitsViewQuery,
  page: { limit: number; offset: number },
): Promise<{ rows: UnitRow[]; total: number }> {
  return withModels(async (conn) => {
    const raw = await runQuery(
      conn,
      'kpi_units_page',
      {
        ...unitBindings(p),
        q: view.q.toLowerCase(),
        outcome: view.outcome,
        sort: view.sort,
        dir: view.dir,
        weekday: view.slot?.weekday ?? null,
        hour_band: view.slot?.hourBand ?? null,
        limit: page.limit,
        offset: page.offset,
      },
      { limit: BIGINT, offset: BIGINT, weekday: INTEGER, hour_band: INTEGER },
    );
    return { rows: raw.map(toUnitRow), total: Number(raw[0]?.view_rows ?? 0) };
  }, p);
}
