/**
 * Every unit rate of docs/kpis.md as its numerator and denominator, defined
 * once. The counts come from the SQL macros unit_outcome_counts and
 * policy_check_counts (queries/models/macros/) and from fct_schedule_cohort;
 * the KPI report (kpis.ts) turns a pair into a rate with its Wilson interval
 * (stats.ts `rate`, null when the denominator is 0), the trend series and the
 * breakdown table into a plain fraction. Free of DuckDB, so the browser's
 * bundle may import it.
 */

/** What unit_outcome_counts returns, with the schedule cohort's two counts where a query has them. */
export interface UnitCounts {
  completed: number;
  failed: number;
  rolled_back: number;
  with_incidents: number;
  emergency?: number;
  unauthorized?: number;
  authorisation_applicable?: number;
  on_time?: number | null;
  schedule_cohort?: number | null;
  /** Deployment windows that ran over the plan by more than the tolerance, of those with both windows (kpi_buckets). */
  overran?: number;
  overrun_cohort?: number;
}

/** What policy_check_counts returns. */
export interface PolicyCounts {
  compliant: number;
  compliance_n: number;
  authorised_pass?: number;
  authorised_n?: number;
  rollback_pass?: number;
  rollback_n?: number;
  service_desk_pass?: number;
  service_desk_n?: number;
  freeze_pass?: number;
  freeze_n?: number;
  review_pass?: number;
  review_n?: number;
}

/** A rate's numerator and denominator. */
export type Pair = readonly [numerator: number, denominator: number];

const z = (v: number | null | undefined) => v ?? 0;

export const unitRates = {
  success_rate: (c: Pick<UnitCounts, 'completed' | 'failed'>): Pair => [c.completed - c.failed, c.completed],
  change_failure_rate: (c: Pick<UnitCounts, 'completed' | 'failed'>): Pair => [c.failed, c.completed],
  rollback_rate: (c: Pick<UnitCounts, 'completed' | 'rolled_back'>): Pair => [c.rolled_back, c.completed],
  post_release_incident_rate: (c: Pick<UnitCounts, 'completed' | 'with_incidents'>): Pair => [
    c.with_incidents,
    c.completed,
  ],
  emergency_rate: (c: UnitCounts): Pair => [z(c.emergency), c.completed],
  unauthorized_rate: (c: UnitCounts): Pair => [z(c.unauthorized), z(c.authorisation_applicable)],
  schedule_adherence: (c: UnitCounts): Pair => [z(c.on_time), z(c.schedule_cohort)],
  overrun_rate: (c: UnitCounts): Pair => [z(c.overran), z(c.overrun_cohort)],
} as const;

export const policyRates = {
  policy_compliance: (c: PolicyCounts): Pair => [c.compliant, c.compliance_n],
  authorised_before_start: (c: PolicyCounts): Pair => [z(c.authorised_pass), z(c.authorised_n)],
  rollback_tested: (c: PolicyCounts): Pair => [z(c.rollback_pass), z(c.rollback_n)],
  service_desk_notified: (c: PolicyCounts): Pair => [z(c.service_desk_pass), z(c.service_desk_n)],
  outside_freeze: (c: PolicyCounts): Pair => [z(c.freeze_pass), z(c.freeze_n)],
  review_on_time: (c: PolicyCounts): Pair => [z(c.review_pass), z(c.review_n)],
} as const;

/** A pair as a plain fraction; null when the denominator is 0. */
export const fraction = ([numerator, denominator]: Pair): number | null =>
  denominator ? numerator / denominator : null;
