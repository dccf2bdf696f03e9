/**
 * getKpis: the KPI object of the contract (docs/kpis.md), from the kpi_summary
 * model. Plain numbers only; the UI and the JSON output never see driver types.
 */

import type { DuckDBConnection } from '@duckdb/node-api';
import { bindings, resolveAsOf } from './bindings.ts';
import { type Pair, type PolicyCounts, policyRates, type UnitCounts, unitRates } from './measures.ts';
import type { KpiParams, Unit } from './params.ts';
import { runQuery } from './run.ts';
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
    /** Release governance (release and change units; null for deployment). */
    backlog: Backlog | null;
    policy_compliance: Rate | null;
    policy_checks: Record<PolicyCheck, Rate | null> | null;
    satisfaction: Satisfaction | null;
  };
}

/** Every key of the kpis object, for checking a gate's KPI name before there is a report to read it from. */
export const kpiKeys = [
  'completed',
  'success_rate',
  'change_failure_rate',
  'rollback_rate',
  'post_release_incident_rate',
  'post_release_incidents',
  'recovery_time_hours',
  'lead_time_hours',
  'schedule_adherence',
  'emergency_rate',
  'unauthorized_rate',
  'freeze_violations',
  'deployment_frequency_per_week',
  'backlog',
  'policy_compliance',
  'policy_checks',
  'satisfaction',
] as const satisfies readonly (keyof KpiReport['kpis'])[];

export const policyChecks = [
  'authorised_before_start',
  'rollback_tested',
  'service_desk_notified',
  'outside_freeze',
  'review_on_time',
] as const;
export type PolicyCheck = (typeof policyChecks)[number];

export interface Backlog {
  count: number;
  overdue: number;
  age_days: Duration | null;
  /** Up to ten ids, oldest requested first (ties: smaller id). */
  oldest: string[];
}

export interface Satisfaction {
  responses: number;
  csat: Rate | null;
  mean_score: number | null;
  units_with_responses: number;
  units_without_response: number;
}

type Governance = Pick<KpiReport['kpis'], 'backlog' | 'policy_compliance' | 'policy_checks' | 'satisfaction'>;

const noGovernance: Governance = { backlog: null, policy_compliance: null, policy_checks: null, satisfaction: null };

/** The governance KPIs from one kpi_governance row (release and change units). */
async function governanceOn(conn: DuckDBConnection, p: KpiParams): Promise<Governance> {
  if (p.unit === 'deployment') return noGovernance;
  const { tolerance_minutes: _unused, ...params } = bindings(p);
  const [g] = await runQuery(conn, 'kpi_governance', params);
  if (!g) throw new Error('kpi_governance returned no row');
  const backlogCount = n(g.backlog_count);
  const responses = n(g.responses);
  const checks = numbers(g) as unknown as PolicyCounts;
  return {
    backlog: {
      count: backlogCount,
      overdue: n(g.backlog_overdue),
      age_days: duration(backlogCount, g.age_median, g.age_p85, g.age_mean),
      oldest: (g.oldest as unknown[]).map(String),
    },
    policy_compliance: rateOf(policyRates.policy_compliance(checks)),
    policy_checks: {
      authorised_before_start: rateOf(policyRates.authorised_before_start(checks)),
      rollback_tested: rateOf(policyRates.rollback_tested(checks)),
      service_desk_notified: rateOf(policyRates.service_desk_notified(checks)),
      outside_freeze: rateOf(policyRates.outside_freeze(checks)),
      review_on_time: rateOf(policyRates.review_on_time(checks)),
    },
    satisfaction:
      n(g.survey_records) === 0
        ? null
        : {
            responses,
            csat: rate(n(g.satisfied), responses),
            mean_score: responses > 0 ? round(Number(g.mean_score), 4) : null,
            units_with_responses: n(g.units_with_responses),
            units_without_response: n(g.completed) - n(g.units_with_responses),
          },
  };
}

const n = (v: unknown) => Number(v ?? 0);

/** A query row's values as numbers (null as 0), for the measure definitions in measures.ts. */
const numbers = (row: Record<string, unknown>): Record<string, number> =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, n(v)]));

const rateOf = (pair: Pair) => rate(...pair);

/** `governance: false` leaves the governance KPIs null (a previous period whose governance nobody shows). */
export async function kpisOn(conn: DuckDBConnection, p: KpiParams, governance = true): Promise<KpiReport> {
  const [row] = await runQuery(conn, 'kpi_summary', bindings(p));
  const governanceKpis = governance ? await governanceOn(conn, p) : noGovernance;
  if (!row) throw new Error('kpi_summary returned no row');
  const completed = n(row.completed);
  const counts = numbers(row) as unknown as UnitCounts;
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
      success_rate: rateOf(unitRates.success_rate(counts)),
      change_failure_rate: rateOf(unitRates.change_failure_rate(counts)),
      rollback_rate: rateOf(unitRates.rollback_rate(counts)),
      post_release_incident_rate: rateOf(unitRates.post_release_incident_rate(counts)),
      post_release_incidents: n(row.post_release_incidents),
      recovery_time_hours: duration(n(row.recovery_n), row.recovery_median, row.recovery_p85, row.recovery_mean),
      lead_time_hours: notDeployment ? duration(n(row.lead_n), row.lead_median, row.lead_p85, row.lead_mean) : null,
      schedule_adherence: notDeployment ? rateOf(unitRates.schedule_adherence(counts)) : null,
      emergency_rate: notDeployment ? rateOf(unitRates.emergency_rate(counts)) : null,
      unauthorized_rate: notDeployment ? rateOf(unitRates.unauthorized_rate(counts)) : null,
      freeze_violations: n(row.freeze_violations),
      deployment_frequency_per_week: weeks > 0 ? round(n(row.deployments) / weeks, 6) : null,
      ...governanceKpis,
    },
  };
}

export function getKpis(p: KpiParams, options: { governance?: boolean } = {}): Promise<KpiReport> {
  return withModels((conn) => kpisOn(conn, p, options.governance ?? true), p);
}
