/** getUnits: the table behind the releases page and /api/units, as plain rows. */
import { BIGINT, BOOLEAN, type DuckDBConnection, INTEGER, VARCHAR } from '@duckdb/node-api';
import { z } from 'zod';
import { unitBindings } from './bindings.ts';
import { type ExcessInput, type ExcessReading, excessReadings } from './excess.ts';
import type { KpiParams } from './params.ts';
import { getDataRange } from './range.ts';
import { runQuery } from './run.ts';
import { inSnapshot, withModels } from './snapshot.ts';
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
  /** The real deployment window's length, the planned one's, and the difference (null when an end is missing). */
  duration_minutes: z.number().nullable(),
  planned_minutes: z.number().nullable(),
  overrun_minutes: z.number().nullable(),
  lead_time_hours: z.number().nullable(),
  recovery_hours: z.number().nullable(),
  is_emergency: z.boolean().nullable(),
  is_unauthorized: z.boolean().nullable(),
  is_freeze_violation: z.boolean(),
  /** A unit whose go-live window overlapped this one's on a shared service or CI, and what they share. */
  collides_with: z.string().nullable(),
  collides_on: z.string().nullable(),
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
  } & ExcessReading;

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
  return Object.assign(u, contractExcess(u as unknown as ExcessInput)) as unknown as UnitRow;
}

/** The contract's excess figures of a unit: observed minus expected, the Poisson p, and p < 0.05 with more than expected. */
function contractExcess(u: Pick<ExcessInput, 'post_release_incidents' | 'expected_incidents'>) {
  const p = u.expected_incidents === null ? null : poissonUpperTail(u.post_release_incidents, u.expected_incidents);
  return {
    excess_incidents: u.expected_incidents === null ? null : round(u.post_release_incidents - u.expected_incidents, 4),
    excess_p_value: p === null ? null : round(p, 6),
    is_excess: p !== null && p < 0.05 && u.post_release_incidents > (u.expected_incidents ?? 0),
  };
}

/** A unit's excess readings, rounded as shown: those of its family, or alone (no q) when it is not in it. */
function readingOf(
  readings: Map<string, ExcessReading>,
  u: ExcessInput,
  windowHours: number,
  from: string | null,
): ExcessReading {
  const r = readings.get(u.unit_id) ?? {
    ...excessReadings([u], windowHours, from).get(u.unit_id),
    excess_q_value: null,
    is_excess_fdr: false,
  };
  return {
    excess_p_floored: r.excess_p_floored == null ? null : round(r.excess_p_floored, 6),
    excess_q_value: r.excess_q_value == null ? null : round(r.excess_q_value, 6),
    too_little_history: r.too_little_history ?? false,
    is_excess_fdr: r.is_excess_fdr ?? false,
  };
}

/** The completed units of the period with what their excess reading needs: the family its false-discovery control runs over. */
export async function excessFamily(conn: DuckDBConnection, p: KpiParams): Promise<ExcessInput[]> {
  return (await runQuery(conn, 'kpi_excess_family', unitBindings(p))) as unknown as ExcessInput[];
}

/**
 * Adds the excess readings (queries/excess.ts) of a family of units to the
 * rows shown. A row outside the family gets its floored p and history but no q.
 */
export function withReadings(
  rows: UnitRow[],
  family: ExcessInput[],
  p: KpiParams,
  incidentsFrom: Date | null,
): UnitRow[] {
  const from = incidentsFrom?.toISOString() ?? null;
  const readings = excessReadings(family, p.window, from);
  for (const row of rows) Object.assign(row, readingOf(readings, row as unknown as ExcessInput, p.window, from));
  return rows;
}

const inPeriod = (r: UnitRow) => r.is_completed && r.expected_incidents !== null;

export async function getUnits(p: KpiParams): Promise<UnitRow[]> {
  const range = await getDataRange();
  return withModels(async (conn) => {
    const rows = (await runQuery(conn, 'kpi_units', unitBindings(p))).map(toUnitRow);
    // the family is the period's completed units: the same rows kpi_excess_family gives the paged view
    return withReadings(rows, rows.filter(inPeriod), p, range.incidents_from);
  }, p);
}

/** A page of /api/units: at most `limit` rows from `offset`, and how to ask for the next one. */
export interface UnitsJsonPage {
  limit: number;
  offset: number;
  /** The address of the page that starts at this offset (the route's own URL with it). */
  hrefAt: (offset: number) => string;
}

/**
 * /api/units' body: `{unit, period, total, offset, limit, next, units}` as
 * UTF-8 JSON, where `units` is one page of getUnits(p) with the same values,
 * each row's columns written by DuckDB (kpi_units_json, as bytes) and only the
 * excess readings computed here, over the period's whole family (as the
 * releases table's pages are). A quarter of deployments is 13,000 rows and
 * 16 MB: as objects, converting, checking and serialising them held the
 * server's one thread for most of half a second.
 */
export async function getUnitsJson(p: KpiParams, page: UnitsJsonPage): Promise<Uint8Array<ArrayBuffer>> {
  const range = await getDataRange();
  return inSnapshot(async () => {
    // the page and its family side by side, on two of the snapshot's connections
    const [result, family] = await Promise.all([
      withModels(
        (conn) =>
          runQuery(
            conn,
            'kpi_units_json',
            { ...unitBindings(p), limit: page.limit, offset: page.offset },
            { limit: BIGINT, offset: BIGINT },
          ) as unknown as Promise<(ExcessInput & { row_json: Uint8Array | null; total_rows: bigint | number })[]>,
        p,
      ),
      withModels((conn) => excessFamily(conn, p), p),
    ]);
    const total = Number(result[0]?.total_rows ?? 0);
    const rows = result.filter((r) => r.row_json !== null);
    const from = range.incidents_from?.toISOString() ?? null;
    const readings = excessReadings(family, p.window, from);
    const nextOffset = page.offset + rows.length;
    const head = JSON.stringify({
      unit: p.unit,
      period: { from: p.from, to: p.to, timezone: p.tz },
      total,
      offset: page.offset,
      limit: page.limit,
      next: rows.length > 0 && nextOffset < total ? page.hrefAt(nextOffset) : null,
      units: [],
    });
    const parts: Uint8Array[] = [Buffer.from(head.slice(0, -2))];
    rows.forEach((r, i) => {
      // the row's object without its closing brace, then the fields toUnitRow and withReadings add, in their order
      const added = { ...contractExcess(r), ...readingOf(readings, r, p.window, from) };
      parts.push(
        (r.row_json as Uint8Array).subarray(0, -1),
        Buffer.from(`,${JSON.stringify(added).slice(1)}${i < rows.length - 1 ? ',' : ''}`),
      );
    });
    parts.push(Buffer.from(']}'));
    const body = Buffer.concat(parts);
    return new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength);
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
  /** The units in the backlog at the start of this local date (overdue ones only, or all), instead of the period's. */
  backlog?: { at: string; overdue: boolean } | null;
}

/** One page of the releases table's view, searched, filtered, sorted and paged in SQL, and the view's row count. */
export async function getUnitsPage(
  p: KpiParams,
  view: UnitsViewQuery,
  page: { limit: number; offset: number },
): Promise<{ rows: UnitRow[]; total: number }> {
  const range = await getDataRange();
  return inSnapshot(async () => {
    // the page and its family side by side, on two of the snapshot's connections
    const [raw, family] = await Promise.all([
      withModels((conn) => runQuery(conn, 'kpi_units_page', pageBindings(p, view, page), pageTypes), p),
      withModels((conn) => excessFamily(conn, p), p),
    ]);
    const rows = withReadings(raw.map(toUnitRow), family, p, range.incidents_from);
    return { rows, total: Number(raw[0]?.view_rows ?? 0) };
  }, p);
}

/** The bound values of kpi_units_page. */
function pageBindings(p: KpiParams, view: UnitsViewQuery, page: { limit: number; offset: number }) {
  return {
    ...unitBindings(p),
    q: view.q.toLowerCase(),
    outcome: view.outcome,
    sort: view.sort,
    dir: view.dir,
    weekday: view.slot?.weekday ?? null,
    hour_band: view.slot?.hourBand ?? null,
    backlog_at: view.backlog?.at ?? null,
    backlog_overdue: view.backlog?.overdue ?? false,
    limit: page.limit,
    offset: page.offset,
  };
}

const pageTypes = {
  limit: BIGINT,
  offset: BIGINT,
  weekday: INTEGER,
  hour_band: INTEGER,
  backlog_at: VARCHAR,
  backlog_overdue: BOOLEAN,
};
