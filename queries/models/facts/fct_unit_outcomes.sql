-- fct_unit_outcomes(unit_kind, window_hours, failure_max_priority): one row per
-- unit of that kind with everything the KPIs count: failed, rolled back,
-- incidents in the post-release window, recovery and lead time in hours,
-- authorisation, freeze violations and the excess-incident baseline.
-- One select on a subquery, no CTEs: every KPI query binds this macro, and
-- DuckDB binds a CTE chain of ~55 columns more slowly (planning is most of a
-- first request's time; docs/performance.md).
-- Grain: one row per unit of the kind (unit_id). Key held by
-- test/queries/keys.test.ts on mat_unit_windows, the store it reads.
-- Materialized: macro. Reads: fct_unit_windows, seconds_between.
create or replace macro fct_unit_outcomes(p_unit_kind, p_window_hours, p_failure_max_priority) as table
select
  *,
  case when is_failed and restored_at is not null
    then greatest(seconds_between(restored_at, end_at) / 3600, 0)
  end as recovery_hours
from (
  select
    *,
    own_failed or coalesce(min_priority <= p_failure_max_priority, false) as is_failed,
    own_rolled_back as is_rolled_back,
    greatest(
      case p_failure_max_priority
        when 1 then restored_p1 when 2 then restored_p2 when 3 then restored_p3 else restored_p4
      end,
      rollback_restored_at
    ) as restored_at
  from fct_unit_windows(p_unit_kind, p_window_hours)
);
