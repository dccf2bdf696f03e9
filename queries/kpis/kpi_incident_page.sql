-- kpi_incident_page: one page of the period's attributed incidents, newest
-- first, of one priority and rule (null: any).
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types, $priority, $rule, $limit, $offset.
-- Reads: fct_period_incidents.
select *
from fct_period_incidents($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to)
where ($priority is null or priority = $priority) and ($rule is null or rule = $rule)
order by opened_ms desc, incident_id
limit $limit offset $offset;
