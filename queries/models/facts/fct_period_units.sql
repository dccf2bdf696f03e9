-- fct_period_units(unit_kind, window_hours, failure_max_priority, services,
-- teams, types, tz, from, to): the completed units of fct_scoped_units that
-- went live in the period [from, to) (local dates in tz): the population every
-- KPI of a period counts.
-- Grain: one row per completed unit of the period (unit_id), as fct_units. Held
-- by test/queries/golden.test.ts (the contract's denominators).
-- Materialized: macro. Reads: fct_scoped_units, local_instant.
create or replace macro fct_period_units(p_unit_kind, p_window_hours, p_failure_max_priority, p_services, p_teams, p_types, p_tz, p_from, p_to) as table
select u.*
from fct_scoped_units(p_unit_kind, p_window_hours, p_failure_max_priority, p_services, p_teams, p_types) u
where u.is_completed and u.end_at >= local_instant(p_tz, p_from) and u.end_at < local_instant(p_tz, p_to);
