/**
 * getKpis: the KPI object of the contract (docs/kpis.md), from the kpi_summary
 * model. Plain numbers only; the UI and the JSON output never see driver types.
 */

import type { DuckDBConnection } from '@duckdb/node-api';
import { listValue } from '@duckdb/node-api';
import { runQuery } from './models.ts';
import type { KpiParams, Unit } from './params.ts';
import { withModels } from './snapshot.ts';
import { type Duration, duration, type Rate, rate, round } from './stats.ts';

export interface KpiReport {
  unit: Unit;
  period: { from: string; to: string; timezone: string };
  parameters: {
    window_hours: number;
    failure_max_priority: number;
    schedule_tolerance_minutes: number;
    as_of: string;
  };
  kpis: {
    completed: number;
    success_rate: Rate | null;
    change_failure_rate: Rate | null;
    rollback_rate: Rate | null;
    post_release_incident_rate: Rate | null;
    post_release_incidents: number;
    recovery_time_hours: Duration | null;
    lead_time_hours: Duration | null;
    schedule_adherence: Rate | null;
    emergency_rate: Rate | null;
    unauthorized_rate: Rate | null;
    freeze_violations: number;
    deployment_frequency_per_week: number | null;
  };
}

/** ISO instant without milliseconds: 2025-04-15T00:00:00Z. */
export const isoInstant = (d: Date) => d.toISOString().replace(/\.000Z$/, 'Z');

export function resolveAsOf(p: KpiParams): string {
  return p.as_of ? isoInstant(new Date(p.as_of)) : isoInstant(new Date());
}

/** Bound values shared by every kpi_* and analysis query. */
export function bindings(p: KpiParams) {
  return {
    unit: p.unit,
    window_hours: p.window,
    failure_max_priority: p.severity,
    tolerance_minutes: p.tolerance,
    tz: p.tz,
    from: p.from,
    to: p.to,
    as_of: resolveAsOf(p),
    services: listValue(p.service),
    teams: listValue(p.team),
    types: listValue(p.type),
  };
}

const n = (v: unknown) => Number(v ?? 0);

export async function kpisOn(conn: DuckDBConnection, p: KpiParams): Promise<KpiReport> {
  const [row] = await runQuery(conn, 'kpi_summary', bindings(p));
  if (!row) throw new Error('kpi_summary returned no row');
  const completed = n(row.completed);
  const notDeployment = p.unit !== 'deployment';
  const weeks = n(row.period_hours) / (24 * 7);
  return {
    unit: p.unit,
    period: { from: p.from, to: p.to, timezone: p.tz },
    parameters: {
      window_hours: p.window,
      failure_max_priority: p.severity,
      schedule_tolerance_minutes: p.tolerance,
      as_of: resolveAsOf(p),
    },
    kpis: {
      completed,
      success_rate: rate(completed - n(row.failed), completed),
      change_failure_rate: rate(n(row.failed), completed),
      rollback_rate: rate(n(row.rolled_back), completed),
      post_release_incident_rate: rate(n(row.with_incidents), completed),
      post_release_incidents: n(row.post_release_incidents),
      recovery_time_hours: duration(n(row.recovery_n), row.recovery_median, row.recovery_p85, row.recovery_mean),
      lead_time_hours: notDeployment ? duration(n(row.lead_n), row.lead_median, row.lead_p85, row.lead_mean) : null,
      schedule_adherence: notDeployment ? rate(n(row.on_time), n(row.schedule_cohort)) : null,
      emergency_rate: notDeployment ? rate(n(row.emergency), completed) : null,
      unauthorized_rate: notDeployment ? rate(n(row.unauthorized), n(row.authorisation_applicable)) : null,
      freeze_violations: n(row.freeze_violations),
      deployment_frequency_per_week: weeks > 0 ? round(n(row.deployments) / weeks, 6) : null,
    },
  };
}

export function getKpis(p: KpiParams): Promise<KpiReport> {
  return withModels((conn) => kpisOn(conn, p), p);
}
