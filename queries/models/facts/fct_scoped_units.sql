-- fct_scoped_units(unit_kind, window_hours, failure_max_priority, services,
-- teams, types): fct_unit_outcomes restricted by the dashboard's filters; an
-- empty list means no restriction.
-- Grain: one row per unit (unit_id), as fct_unit_outcomes. Held by
-- test/queries/golden.test.ts.
-- Materialized: macro. Reads: fct_unit_outcomes, in_filter.
create or replace macro fct_scoped_units(p_unit_kind, p_window_hours, p_failure_max_priority, p_services, p_teams, p_types) as table
select *
from fct_unit_outcomes(p_unit_kind, p_window_hours, p_failure_max_priority)
where in_filter(p_services, service) and in_filter(p_teams, team) and in_filter(p_types, unit_type);
