-- fct_backlog_units(unit_kind, window_hours, failure_max_priority, tz, at,
-- overdue, services, teams, types): the rows of the releases table for the
-- units in the backlog (docs/kpis.md, release governance: requested, not live,
-- not cancelled) at the start of local date `at` in tz, whatever period they
-- belong to; with `overdue`, only those whose planned end had passed by then.
-- The records behind one point of the trends page's backlog chart, which
-- counts the same way (kpi_backlog_series).
-- Grain: one row per unit (unit_id).
-- Materialized: macro. Reads: fct_unit_rows, fct_units, in_filter, in_backlog, local_instant.
create or replace macro fct_backlog_units(p_unit_kind, p_window_hours, p_failure_max_priority, p_tz, p_at, p_overdue, p_services, p_teams, p_types) as table
select r.*
from fct_unit_rows(p_unit_kind, p_window_hours, p_failure_max_priority, p_tz) r
semi join (
  select unit_id
  from fct_units
  where unit_kind = p_unit_kind
    and in_filter(p_services, service) and in_filter(p_teams, team) and in_filter(p_types, unit_type)
    and in_backlog(requested_at, is_completed, end_at, cancelled_at, local_instant(p_tz, p_at))
    and (not p_overdue or planned_end < local_instant(p_tz, p_at))
) b on b.unit_id = r.unit_id;
