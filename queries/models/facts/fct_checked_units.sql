-- fct_checked_units(unit_kind, window_hours, failure_max_priority, services,
-- teams, types, tz, from, to): the completed units of the period
-- (fct_period_units) with their fifth policy check worked out in tz
-- (chk_review_on_time) and whether they comply with every applicable check
-- (`compliant`, passes_policy): the rows policy_check_counts counts.
-- Grain: one row per completed unit of the period (unit_id), as fct_period_units.
-- Used by kpi_governance and kpi_breakdown; held by test/queries/governance.test.ts.
-- Materialized: macro. Reads: fct_period_units, review_on_time, passes_policy.
create or replace macro fct_checked_units(p_unit_kind, p_window_hours, p_failure_max_priority, p_services, p_teams, p_types, p_tz, p_from, p_to) as table
select *,
  passes_policy(chk_authorised_before_start, chk_rollback_tested, chk_service_desk_notified,
    chk_outside_freeze, chk_review_on_time) as compliant
from (
  select *, review_on_time(review_applicable, review_completed_at, end_at, p_tz) as chk_review_on_time
  from fct_period_units(p_unit_kind, p_window_hours, p_failure_max_priority, p_services, p_teams, p_types, p_tz, p_from, p_to)
);
