-- fct_listed_units(unit_kind, window_hours, failure_max_priority, tz, from, to,
-- services, teams, types): the rows of the releases table: every unit of that
-- kind that went live in the period, or that was due in the period and did not
-- go live (cancelled, overdue), with the columns of fct_unit_rows. Two selects,
-- not one with an OR: each range is then a filter DuckDB applies in the scan
-- (the go-lives' skips other periods' row groups) rather than after reading
-- every row of the kind.
-- Grain: one row per unit (unit_id): the two selects take completed and not
-- completed units apart. Held by test/queries/materialized.test.ts (the
-- releases table in SQL against JavaScript).
-- Materialized: macro. Reads: fct_unit_rows, local_instant, in_filter.
create or replace macro fct_listed_units(p_unit_kind, p_window_hours, p_failure_max_priority, p_tz, p_from, p_to, p_services, p_teams, p_types) as table
select *
from fct_unit_rows(p_unit_kind, p_window_hours, p_failure_max_priority, p_tz)
where in_filter(p_services, service) and in_filter(p_teams, team) and in_filter(p_types, unit_type)
  and is_completed and end_at >= local_instant(p_tz, p_from) and end_at < local_instant(p_tz, p_to)
union all
select *
from fct_unit_rows(p_unit_kind, p_window_hours, p_failure_max_priority, p_tz)
where in_filter(p_services, service) and in_filter(p_teams, team) and in_filter(p_types, unit_type)
  and not is_completed and planned_end >= local_instant(p_tz, p_from) and planned_end < local_instant(p_tz, p_to);
