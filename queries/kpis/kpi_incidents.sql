-- kpi_incidents: every incident attributed to a unit that went live in the
-- period with its title, newest first, of one priority and rule (null: any),
-- among those the record filters keep (fct_record_incidents): the incidents
-- table's download, which holds exactly the table's rows.
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $priority, $rule,
--        $services, $teams, $types, and the record filters of
--        fct_record_incidents: $incident_service, $incident_ci, $category,
--        $problem, $week, $hours_from, $hours_to, $risk, $weekday, $hour_band.
-- Reads: fct_record_incidents, stg_incidents.
select
  p.incident_id, p.source, p.rule, p.priority, p.category, p.problem_id, i.title,
  p.incident_service, p.incident_ci, p.unit_id, p.service, p.team, p.unit_type, p.risk,
  p.opened_ms, p.golive_ms, p.hours_after_golive, p.is_in_window, p.is_failure_making,
  p.golive_weekday, p.golive_hour, p.opened_week
from fct_record_incidents($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to,
  $incident_service, $incident_ci, $category, $problem, $week, $hours_from, $hours_to, $risk, $weekday, $hour_band) p
join stg_incidents i using (incident_id)
where ($priority is null or p.priority = $priority) and ($rule is null or p.rule = $rule)
order by opened_ms desc, incident_id;
