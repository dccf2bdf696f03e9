/** Typed query functions for the dashboard's breakdowns, trends and calendar. */
import { z } from 'zod';
import { bindings, periodBindings, unitBindings } from './bindings.ts';
import type { KpiParams } from './params.ts';
import { runQuery } from './run.ts';
import { withModels } from './snapshot.ts';

const num = z.number();
const numOrNull = z.number().nullable();
const instant = z.date().transform((d) => d.toISOString());

export const bucketRowSchema = z.object({
  bucket_start: z.string(),
  segment: z.enum(['all', 'planned', 'emergency']),
  completed: num,
  failed: num,
  rolled_back: num,
  with_incidents: num,
  emergency: num,
  unauthorized: num,
  freeze_violations: num,
  lead_time_median_hours: numOrNull,
  recovery_median_hours: numOrNull,
  overran: num,
  overrun_cohort: num,
  duration_median_minutes: numOrNull,
  on_time: numOrNull,
  schedule_cohort: numOrNull,
  deployments: numOrNull,
});
export type BucketRow = z.output<typeof bucketRowSchema>;

export const breakdownRowSchema = z.object({
  dimension: z.enum(['service', 'team']),
  name: z.string(),
  completed: num,
  failed: num,
  rolled_back: num,
  with_incidents: num,
  post_release_incidents: num,
  emergency: num,
  freeze_violations: num,
  lead_time_median_hours: numOrNull,
  /** Units passing every applicable policy check, of those with one (release, change). */
  compliant: num,
  compliance_n: num,
});
export type BreakdownRow = z.output<typeof breakdownRowSchema>;

export const freezeRowSchema = z.object({
  window_id: z.string(),
  name: z.string().nullable(),
  kind: z.string(),
  service: z.string().nullable(),
  starts_at: instant,
  ends_at: instant,
});
export type FreezeRow = z.output<typeof freezeRowSchema>;

export type Bucket = 'week' | 'month';

export function getBuckets(p: KpiParams, bucket: Bucket): Promise<BucketRow[]> {
  return withModels(
    async (conn) =>
      (await runQuery(conn, 'kpi_buckets', { ...bindings(p), bucket })).map((r) => bucketRowSchema.parse(r)),
    p,
  );
}

export function getBreakdown(p: KpiParams): Promise<BreakdownRow[]> {
  return withModels(
    async (conn) => (await runQuery(conn, 'kpi_breakdown', unitBindings(p))).map((r) => breakdownRowSchema.parse(r)),
    p,
  );
}

export function getFreezes(p: KpiParams): Promise<FreezeRow[]> {
  return withModels(async (conn) =>
    (await runQuery(conn, 'kpi_freezes', { tz: p.tz, from: p.from, to: p.to })).map((r) => freezeRowSchema.parse(r)),
  );
}

export const calendarRowSchema = z.object({
  unit_id: z.string(),
  service: z.string().nullable(),
  end_ms: num,
  is_failed: z.boolean(),
  is_freeze_violation: z.boolean(),
  collides_with: z.string().nullable(),
  collides_on: z.string().nullable(),
});

/** The release calendar's go-lives, column by column (a quarter holds thousands; columns travel lighter than objects). */
export interface CalendarColumns {
  unit_id: string[];
  service: (string | null)[];
  end_ms: number[];
  is_failed: boolean[];
  is_freeze_violation: boolean[];
  /** The unit whose window this one's collides with on a shared service or CI (fct_collisions), or null. */
  collides_with: (string | null)[];
  collides_on: (string | null)[];
}

/** The completed units of the period as the release calendar draws them. */
export function getCalendar(p: KpiParams): Promise<CalendarColumns> {
  return withModels(async (conn) => {
    const out: CalendarColumns = {
      unit_id: [],
      service: [],
      end_ms: [],
      is_failed: [],
      is_freeze_violation: [],
      collides_with: [],
      collides_on: [],
    };
    for (const r of await runQuery(conn, 'kpi_calendar', unitBindings(p))) {
      const row = calendarRowSchema.parse(r);
      out.unit_id.push(row.unit_id);
      out.service.push(row.service);
      out.end_ms.push(row.end_ms);
      out.is_failed.push(row.is_failed);
      out.is_freeze_violation.push(row.is_freeze_violation);
      out.collides_with.push(row.collides_with);
      out.collides_on.push(row.collides_on);
    }
    return out;
  }, p);
}

export const cadenceSchema = z.object({ services: num, median_per_week: numOrNull });
/** How often the median service deploys to production per week, over the services that deployed in the period. */
export type ServiceCadence = z.output<typeof cadenceSchema>;

export function getServiceCadence(p: KpiParams): Promise<ServiceCadence> {
  return withModels(async (conn) =>
    cadenceSchema.parse((await runQuery(conn, 'kpi_service_cadence', periodBindings(p)))[0]),
  );
}

export const backlogPointSchema = z.object({ bucket_end: z.string(), backlog: num, overdue: num });
export type BacklogPoint = z.output<typeof backlogPointSchema>;

/** The backlog at each bucket end of the period (release and change units; empty for deployments). */
export function getBacklogSeries(p: KpiParams, bucket: Bucket): Promise<BacklogPoint[]> {
  if (p.unit === 'deployment') return Promise.resolve([]);
  return withModels(
    async (conn) =>
      (await runQuery(conn, 'kpi_backlog_series', { unit: p.unit, bucket, ...periodBindings(p) })).map((r) =>
        backlogPointSchema.parse(r),
      ),
    p,
  );
}
