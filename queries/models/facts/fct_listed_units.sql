-- fct_listed_units(unit_kind, window_hours, failure_max_priority, tz, from, to,
-- services, teams, types): the rows of the releases table: every unit of that
-- kind that went live in the period, or that was due in the period and did not
-- go live (cancelled, overdue), with the columns of fct_unit_rows.
-- Materialized: macro. Reads: fct_unit_rows, dim_period, in_filter.
create or replace macro fct_listed_units(p_unit_kind, p_window_hours, p_failure_max_priority, p_tz, p_from, p_to, p_services, p_teams, p_types) as table
with bounds as (
  select * from dim_period(p_tz, p_from, p_to)
),
units as (
  select * from fct_unit_rows(p_unit_kind, p_window_hours, p_failure_max_priority, p_tz)
  where in_filter(p_services, service) and in_filter(p_teams, team) and in_filter(p_types, unit_type)
),
final as (
  select u.* from units u, bounds b
  where (u.is_completed and u.end_at >= b.from_at and u.end_at < b.to_at)
     or (not u.is_completed and u.planned_end >= b.from_at and u.planned_end < b.to_at)
)
select * from final;
