-- fct_period_incidents(unit_kind, window_hours, failure_max_priority, services,
-- teams, types, tz, from, to): one row per incident attributed to a completed
-- unit that went live in the period (and the source that sent it), with the unit's context (service, type,
-- risk, go-live weekday and hour in tz) and hours from go-live. Times are epoch
-- milliseconds so the rows travel well as Arrow. The period's units (which carry
-- their change risk, fct_unit_risk) get their local go-live weekday and hour once
-- each, and are joined to the attribution, which carries the incident columns
-- counted here; its rows of other periods are skipped by their go-live. The title is
-- not among them: a reader that shows titles joins stg_incidents for the rows
-- it keeps (kpi_incident_page, kpi_incidents).
-- One select, no CTEs (it binds faster; see fct_unit_outcomes).
-- Grain: one row per attributed incident (incident_id), as fct_attribution.
-- Held by test/queries/incident-charts.test.ts and
-- test/queries/materialized.test.ts.
-- Materialized: macro. Reads: fct_period_units, fct_attribution, window_reach, seconds_between, local_instant, local_time.
create or replace macro fct_period_incidents(p_unit_kind, p_window_hours, p_failure_max_priority, p_services, p_teams, p_types, p_tz, p_from, p_to) as table
select
  i.incident_id, i.source, i.rule, i.priority, i.category, i.problem_id,
  coalesce(i.service, '') as incident_service, coalesce(i.ci, '') as incident_ci,
  u.unit_id, u.service, u.team, u.unit_type,
  u.risk,
  epoch_ms(i.opened_at)::double as opened_ms,
  epoch_ms(u.end_at)::double as golive_ms,
  round(seconds_between(i.opened_at, u.end_at) / 3600, 4) as hours_after_golive,
  i.opened_at between u.start_at and window_reach(u.end_at, p_window_hours) as is_in_window,
  i.priority <= p_failure_max_priority as is_failure_making,
  u.golive_weekday,
  u.golive_hour,
  strftime(date_trunc('week', local_time(p_tz, i.opened_at)), '%Y-%m-%d') as opened_week
from fct_attribution(p_unit_kind, p_window_hours) i
join (
  select
    unit_id, service, team, unit_type, risk, start_at, end_at,
    isodow(local_time(p_tz, end_at))::integer as golive_weekday,
    hour(local_time(p_tz, end_at))::integer as golive_hour
  from fct_period_units(p_unit_kind, p_window_hours, p_failure_max_priority, p_services, p_teams, p_types, p_tz, p_from, p_to)
) u using (unit_id)
-- implied by the join (a unit of the period went live in it); lets the scan skip other periods' rows
where i.golive_at >= local_instant(p_tz, p_from) and i.golive_at < local_instant(p_tz, p_to);
