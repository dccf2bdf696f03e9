-- kpi_incidents: every incident attributed to a unit that went live in the
-- period (fct_period_incidents) with its title, newest first: the incident
-- pattern charts and the incidents download.
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types.
-- Reads: fct_period_incidents, stg_incidents.
select
  p.incident_id, p.source, p.rule, p.priority, p.category, p.problem_id, i.title,
  p.incident_service, p.incident_ci, p.unit_id, p.service, p.team, p.unit_type, p.risk,
  p.opened_ms, p.golive_ms, p.hours_after_golive, p.is_in_window, p.is_failure_making,
  p.golive_weekday, p.golive_hour, p.opened_week
from fct_period_incidents($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to) p
join stg_incidents i using (incident_id)
order by opened_ms desc, incident_id;
