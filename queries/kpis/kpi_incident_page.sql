-- kpi_incident_page: one page of the period's attributed incidents, newest
-- first, of one priority and rule, and of one incident service, CI, category
-- and problem (null: any).
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types, $priority, $rule, $incident_service,
--        $incident_ci, $category, $problem, $limit, $offset.
-- Reads: fct_period_incidents.
select *
from fct_period_incidents($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to)
where ($priority is null or priority = $priority) and ($rule is null or rule = $rule)
  and ($incident_service is null or incident_service = $incident_service)
  and ($incident_ci is null or incident_ci = $incident_ci)
  and ($category is null or category = $category)
  and ($problem is null or problem_id = $problem)
order by opened_ms desc, incident_id
limit $limit offset $offset;
