/** Attributed incidents with their unit's context (incident patterns page, Arrow export). */
import { BIGINT, DOUBLE, INTEGER, LIST, listValue, VARCHAR } from '@duckdb/node-api';
import { z } from 'zod';
import { binEdges, HOURS_BEFORE_GOLIVE, HOURS_BINS, hoursClip } from '../lib/histogram.ts';
import { unitBindings } from './bindings.ts';
import type { KpiParams } from './params.ts';
import { anyRecord, type IncidentFilter, type IncidentRecordFilter } from './recordFilter.ts';
import { runQuery } from './run.ts';
import { withModels } from './snapshot.ts';

export const incidentPointSchema = z.object({
  incident_id: z.string(),
  source: z.string(),
  rule: z.enum(['confirmed', 'reviewed', 'likely']),
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

/** Every attributed incident of the period (or those a filter keeps), newest first. */
export function getAttributedIncidents(
  p: KpiParams,
  filter: IncidentFilter = { priority: null, rule: null },
): Promise<IncidentPoint[]> {
  return withModels(
    async (conn) =>
      (await runQuery(conn, 'kpi_incidents', incidentBindings(p, filter), incidentTypes)).map((r) =>
        incidentPointSchema.parse(r),
      ),
    p,
  );
}

const extentSchema = z.object({
  incidents: z.number(),
  after_window: z.number(),
  min_hours: z.number().nullable(),
  max_hours: z.number().nullable(),
});

const count = { incidents: z.number() };
/** A row of kpi_incident_charts by the chart it counts for (its `chart`), with that chart's columns. */
const chartRowSchemas = {
  service_week: z.object({ service: z.string().nullable(), opened_week: z.string(), ...count }),
  by_ci: z
    .object({ incident_ci: z.string().nullable(), ...count })
    .transform((r) => ({ name: r.incident_ci, incidents: r.incidents })),
  by_category: z
    .object({ category: z.string().nullable(), ...count })
    .transform((r) => ({ name: r.category, incidents: r.incidents })),
  golive: z.object({ golive_weekday: z.number(), hour_band: z.number(), ...count }),
  type_risk: z.object({ unit_type: z.string().nullable(), risk: z.string(), ...count }),
  hours: z.object({ rule: z.enum(['confirmed', 'reviewed', 'likely']), bin: z.number(), ...count }),
};
const chartNameSchema = z.enum(['service_week', 'by_ci', 'by_category', 'golive', 'type_risk', 'hours']);

/** A value counted in a Pareto chart: an incident's CI or category (null or '' when it has none). */
export interface NamedCount {
  name: string | null;
  incidents: number;
}

/** The incident pattern charts of a period, counted in SQL (kpi_incident_extent, kpi_incident_charts). */
export interface IncidentCharts {
  /** Attributed incidents counted, and how many of them were opened after the window (confirmed links only). */
  incidents: number;
  after_window: number;
  service_week: { service: string | null; opened_week: string; incidents: number }[];
  by_ci: NamedCount[];
  by_category: NamedCount[];
  golive: { golive_weekday: number; hour_band: number; incidents: number }[];
  type_risk: { unit_type: string | null; risk: string; incidents: number }[];
  /** Hours from go-live, clipped to hours_before .. clip_hours: bin i counts edges[i] <= h < edges[i + 1]. */
  hours: {
    hours_before: number;
    clip_hours: number;
    edges: number[];
    bins: { rule: 'confirmed' | 'reviewed' | 'likely'; bin: number; incidents: number }[];
  };
}

/**
 * The incident pattern charts, counted: a few hundred rows for any number of
 * incidents (a quarter at ten million incidents is 430,000 of them). Two
 * queries: the hours' range first, which the histogram's bin edges are chosen
 * from as Plot chooses them (lib/histogram.ts), then every chart's counts in
 * one pass with those edges bound.
 */
export function getIncidentCharts(p: KpiParams): Promise<IncidentCharts> {
  const range = { hours_before: HOURS_BEFORE_GOLIVE, clip_hours: hoursClip(p.window) };
  return withModels(async (conn) => {
    const bindings = { ...unitBindings(p), ...range };
    const numbers = { hours_before: DOUBLE, clip_hours: DOUBLE };
    const extent = extentSchema.parse((await runQuery(conn, 'kpi_incident_extent', bindings, numbers))[0]);
    const charts: IncidentCharts = {
      incidents: extent.incidents,
      after_window: extent.after_window,
      service_week: [],
      by_ci: [],
      by_category: [],
      golive: [],
      type_risk: [],
      hours: { ...range, edges: [], bins: [] },
    };
    if (extent.min_hours === null || extent.max_hours === null) return charts;
    const edges = binEdges(extent.min_hours, extent.max_hours, HOURS_BINS);
    charts.hours.edges = edges;
    const rows = await runQuery(
      conn,
      'kpi_incident_charts',
      { ...bindings, edges: listValue(edges) },
      { ...numbers, edges: LIST(DOUBLE) },
    );
    for (const row of rows) {
      const chart = chartNameSchema.parse(row.chart);
      if (chart === 'hours') charts.hours.bins.push(chartRowSchemas.hours.parse(row));
      else if (chart === 'service_week') charts.service_week.push(chartRowSchemas.service_week.parse(row));
      else if (chart === 'golive') charts.golive.push(chartRowSchemas.golive.parse(row));
      else if (chart === 'type_risk') charts.type_risk.push(chartRowSchemas.type_risk.parse(row));
      else charts[chart].push(chartRowSchemas[chart].parse(row));
    }
    return charts;
  }, p);
}

/** Counts behind the incidents page's totals: by rule, priority and whether in the window. */
export const incidentCountSchema = z.object({
  rule: z.enum(['confirmed', 'reviewed', 'likely']),
  priority: z.number(),
  is_in_window: z.boolean(),
  incidents: z.number(),
});
export type IncidentCount = z.output<typeof incidentCountSchema>;

export type { IncidentFilter, IncidentRecordFilter } from './recordFilter.ts';
export {
  anyRecord,
  incidentFilterParams,
  parseIncidentFilter,
  parseRecordFilter,
  recordParamOf,
} from './recordFilter.ts';

/** The record filters as the SQL's bound parameters. */
export const recordBindings = (f: Partial<IncidentRecordFilter>) => ({
  incident_service: f.service ?? null,
  incident_ci: f.ci ?? null,
  category: f.category ?? null,
  problem: f.problem ?? null,
  week: f.week ?? null,
  hours_from: f.hoursFrom ?? null,
  hours_to: f.hoursTo ?? null,
  risk: f.risk ?? null,
  weekday: f.weekday ?? null,
  hour_band: f.hourBand ?? null,
});
export const recordTypes = {
  incident_service: VARCHAR,
  incident_ci: VARCHAR,
  category: VARCHAR,
  problem: VARCHAR,
  week: VARCHAR,
  hours_from: DOUBLE,
  hours_to: DOUBLE,
  risk: VARCHAR,
  weekday: INTEGER,
  hour_band: INTEGER,
};

/** The bound parameters of a query over the period's incidents of one priority, rule and record filter. */
export const incidentBindings = (p: KpiParams, filter: IncidentFilter) => ({
  ...unitBindings(p),
  priority: filter.priority,
  rule: filter.rule,
  ...recordBindings(filter),
});
const incidentTypes = { priority: INTEGER, rule: VARCHAR, ...recordTypes };

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
      { ...incidentBindings(p, filter), limit: page.limit, offset: page.offset },
      { ...incidentTypes, limit: BIGINT, offset: BIGINT },
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
