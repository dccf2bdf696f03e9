-- fct_period_deployments(services, teams, types, tz, from, to): the completed
-- deployments that ended in the period [from, to) (local dates in tz): the
-- numerator of deployment frequency (docs/kpis.md), whatever unit kind the
-- page reports.
-- Grain: one row per deployment (unit_id).
-- Used by kpi_summary and kpi_buckets; held by test/queries/golden.test.ts.
-- Materialized: macro. Reads: fct_units, in_filter, local_instant.
create or replace macro fct_period_deployments(p_services, p_teams, p_types, p_tz, p_from, p_to) as table
select d.unit_id, d.end_at
from fct_units d
where d.unit_kind = 'deployment' and d.is_completed
  and d.end_at >= local_instant(p_tz, p_from) and d.end_at < local_instant(p_tz, p_to)
  and in_filter(p_services, d.service) and in_filter(p_teams, d.team) and in_filter(p_types, d.unit_type);
