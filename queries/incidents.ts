/** Attributed incidents with their unit's context (incident patterns page, Arrow export). */
import { BIGINT, INTEGER, VARCHAR } from '@duckdb/node-api';
import { z } from 'zod';
import { resultToArrow } from './arrow.ts';
import { runQuery, runResult } from './models.ts';
import type { KpiParams } from './params.ts';
import { withModels } from './snapshot.ts';
import { unitBindings } from './units.ts';

export const incidentPointSchema = z.object({
  incident_id: z.string(),
  source: z.string(),
  rule: z.enum(['confirmed', 'likely']),
  priority: z.number(),
  category: z.string().nullable(),
  problem_id: z.string().nullable(),
  title: z.string().nullable(),
  incident_service: z.string(),
  incident_ci: z.string(),
  unit_id: z.string(),
  service: z.string().nullable(),
  team: z.string().nullable(),
  unit_type: z.string().nullable(),
  risk: z.string(),
  opened_ms: z.number(),
  golive_ms: z.number(),
  hours_after_golive: z.number(),
  is_in_window: z.boolean(),
  is_failure_making: z.boolean(),
  golive_weekday: z.number(),
  golive_hour: z.number(),
  opened_week: z.string(),
});
export type IncidentPoint = z.output<typeof incidentPointSchema>;

export function getAttributedIncidents(p: KpiParams): Promise<IncidentPoint[]> {
  return withModels(
    async (conn) => (await runQuery(conn, 'kpi_incidents', unitBindings(p))).map((r) => incidentPointSchema.parse(r)),
    p,
  );
}

/**
 * The columns the incident pattern charts draw (kpi_incident_points), as Arrow
 * IPC built from DuckDB's columns: the rows of getAttributedIncidents without
 * titles, ids or a JavaScript object per row.
 */
export function getIncidentPointsArrow(p: KpiParams): Promise<Uint8Array<ArrayBuffer>> {
  return withModels(async (conn) => resultToArrow(await runResult(conn, 'kpi_incident_points', unitBindings(p))), p);
}

/** Counts behind the incidents page's totals: by rule, priority and whether in the window. */
export const incidentCountSchema = z.object({
  rule: z.enum(['confirmed', 'likely']),
  priority: z.number(),
  is_in_window: z.boolean(),
  incidents: z.number(),
});
export type IncidentCount = z.output<typeof incidentCountSchema>;

/** Which incidents of the period: their own service, CI, category and problem (null: any). */
export interface IncidentRecordFilter {
  service: string | null;
  ci: string | null;
  category: string | null;
  problem: string | null;
}

export const anyRecord: IncidentRecordFilter = { service: null, ci: null, category: null, problem: null };

export interface IncidentFilter extends Partial<IncidentRecordFilter> {
  priority: number | null;
  rule: 'confirmed' | 'likely' | null;
}

const recordBindings = (f: Partial<IncidentRecordFilter>) => ({
  incident_service: f.service ?? null,
  incident_ci: f.ci ?? null,
  category: f.category ?? null,
  problem: f.problem ?? null,
});
const recordTypes = { incident_service: VARCHAR, incident_ci: VARCHAR, category: VARCHAR, problem: VARCHAR };

/** The period's attributed incidents counted by rule, priority and window (for any filter's totals). */
export function getIncidentCounts(p: KpiParams, records: IncidentRecordFilter = anyRecord): Promise<IncidentCount[]> {
  return withModels(
    async (conn) =>
      (
        await runQuery(conn, 'kpi_incident_counts', { ...unitBindings(p), ...recordBindings(records) }, recordTypes)
      ).map((r) => incidentCountSchema.parse(r)),
    p,
  );
}

/** One page of the period's attributed incidents, newest first, paged in SQL. */
export function getIncidentPage(
  p: KpiParams,
  filter: IncidentFilter,
  page: { limit: number; offset: number },
): Promise<IncidentPoint[]> {
  return withModels(async (conn) => {
    const rows = await runQuery(
      conn,
      'kpi_incident_page',
      {
        ...unitBindings(p),
        priority: filter.priority,
        rule: filter.rule,
        ...recordBindings(filter),
        limit: page.limit,
        offset: page.offset,
      },
      { priority: INTEGER, rule: VARCHAR, limit: BIGINT, offset: BIGINT, ...recordTypes },
    );
    return rows.map((r) => incidentPointSchema.parse(r));
  }, p);
}

export const goliveCellSchema = z.object({
  weekday: z.number(),
  hour_band: z.number(),
  completed: z.number(),
  failed: z.number(),
  incidents: z.number(),
});
export type GoliveCell = z.output<typeof goliveCellSchema>;

export function getGoliveCells(p: KpiParams): Promise<GoliveCell[]> {
  return withModels(
    async (conn) => (await runQuery(conn, 'kpi_golive_cells', unitBindings(p))).map((r) => goliveCellSchema.parse(r)),
    p,
  );
}

const countedSchema = z.object({ id: z.string(), incidents: z.number() });

/** A problem record behind the period's attributed incidents (kpi_problems). */
export const problemRowSchema = z.object({
  problem_id: z.string(),
  /** The source of the problem's incidents, for its link to that system. */
  source: z.string(),
  /** Incidents attributed to the period's units and linked to this problem. */
  incidents: z.number(),
  failure_making: z.number(),
  confirmed: z.number(),
  units: z.number(),
  /** Every incident linked to the problem that opened in the period, attributed or not. */
  problem_incidents: z.number(),
  first_opened_ms: z.number(),
  last_opened_ms: z.number(),
  top_units: z.array(countedSchema),
  cis: z.number(),
  top_cis: z.array(countedSchema),
});
export type ProblemRow = z.output<typeof problemRowSchema>;

/** Problems ranked by the period's release-attributed incidents, with the units and CIs that feed each. */
export function getProblems(p: KpiParams, limit = 20): Promise<ProblemRow[]> {
  return withModels(
    async (conn) =>
      (await runQuery(conn, 'kpi_problems', { ...unitBindings(p), limit }, { limit: BIGINT })).map((r) =>
        problemRowSchema.parse(r),
      ),
    p,
  );
}
