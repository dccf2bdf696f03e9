-- fct_scoped_units(unit_kind, window_hours, failure_max_priority, services,
-- teams, types): fct_unit_outcomes restricted by the dashboard's filters; an
-- empty list means no restriction.
-- Reads: fct_unit_outcomes.
create or replace macro fct_scoped_units(p_unit_kind, p_window_hours, p_failure_max_priority, p_services, p_teams, p_types) as table
select *
from fct_unit_outcomes(p_unit_kind, p_window_hours, p_failure_max_priority)
where (len(p_services) = 0 or list_contains(p_services, service))
  and (len(p_teams) = 0 or list_contains(p_teams, team))
  and (len(p_types) = 0 or list_contains(p_types, unit_type));
