-- fct_record_incidents(unit_kind, window_hours, failure_max_priority, services,
-- teams, types, tz, from, to, incident_service, incident_ci, category, problem,
-- week, hours_from, hours_to, risk, weekday, hour_band): the period's
-- attributed incidents (fct_period_incidents) that the incidents page's record
-- filters keep, each null for any: the incident's own service, CI, category
-- and problem; the week it opened in (its Monday, a local date in tz); its
-- hours after go-live in [hours_from, hours_to); its unit's risk; and its
-- unit's go-live weekday (1 = Monday) and 3-hour band (0, 3, .., 21). Every
-- chart mark of that page leads to the records it counts through these; the
-- table, its counts and its download read them here, so all three agree.
-- Grain: one row per attributed incident (incident_id) that the record filters
-- keep. Held by test/queries/materialized.test.ts (pages and counts against the
-- full list).
-- Materialized: macro. Reads: fct_period_incidents, local_instant.
create or replace macro fct_record_incidents(p_unit_kind, p_window_hours, p_failure_max_priority, p_services, p_teams, p_types, p_tz, p_from, p_to, p_incident_service, p_incident_ci, p_category, p_problem, p_week, p_hours_from, p_hours_to, p_risk, p_weekday, p_hour_band) as table
select *
from fct_period_incidents(p_unit_kind, p_window_hours, p_failure_max_priority, p_services, p_teams, p_types, p_tz, p_from, p_to)
where (p_incident_service is null or incident_service = p_incident_service)
  and (p_incident_ci is null or incident_ci = p_incident_ci)
  and (p_category is null or category = p_category)
  and (p_problem is null or problem_id = p_problem)
  and (p_week is null or (
    opened_ms >= epoch_ms(local_instant(p_tz, p_week::date))
    and opened_ms < epoch_ms(local_instant(p_tz, p_week::date + 7))))
  and (p_hours_from is null or hours_after_golive >= p_hours_from)
  and (p_hours_to is null or hours_after_golive < p_hours_to)
  and (p_risk is null or risk = p_risk)
  and (p_weekday is null or golive_weekday = p_weekday)
  and (p_hour_band is null or (golive_hour >= p_hour_band and golive_hour < p_hour_band + 3));
