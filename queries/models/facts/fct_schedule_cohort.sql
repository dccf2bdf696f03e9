-- fct_schedule_cohort(unit_kind, window_hours, failure_max_priority, services,
-- teams, types, tolerance_minutes, as_of, tz, from, to): the schedule adherence
-- cohort (docs/kpis.md): the units, not cancelled, whose planned end falls in
-- the period and that are completed or past their planned end plus the
-- tolerance at as_of; is_on_time when completed by then. Schedule adherence is
-- the units on time over the cohort.
-- Grain: one row per unit of the cohort (unit_id).
-- Used by kpi_summary and kpi_buckets; held by test/queries/golden.test.ts.
-- Materialized: macro. Reads: fct_scoped_units, local_instant.
create or replace macro fct_schedule_cohort(p_unit_kind, p_window_hours, p_failure_max_priority, p_services, p_teams, p_types, p_tolerance_minutes, p_as_of, p_tz, p_from, p_to) as table
select
  u.unit_id,
  u.planned_end,
  u.is_completed and u.end_at <= u.planned_end + to_minutes(cast(p_tolerance_minutes as bigint)) as is_on_time
from fct_scoped_units(p_unit_kind, p_window_hours, p_failure_max_priority, p_services, p_teams, p_types) u
where not u.is_cancelled
  and u.planned_end >= local_instant(p_tz, p_from) and u.planned_end < local_instant(p_tz, p_to)
  and (u.is_completed or u.planned_end + to_minutes(cast(p_tolerance_minutes as bigint)) < p_as_of::timestamptz);
