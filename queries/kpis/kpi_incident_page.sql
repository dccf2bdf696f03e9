-- kpi_incident_page: one page of the period's attributed incidents, newest
-- first, of one priority and rule (null: any), among those the record filters
-- keep (fct_record_incidents), with their titles (read for the page's rows only).
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $priority, $rule, $limit, $offset,
--        $services, $teams, $types, and the record filters of
--        fct_record_incidents: $incident_service, $incident_ci, $category,
--        $problem, $week, $hours_from, $hours_to, $risk, $weekday, $hour_band.
-- Reads: fct_record_incidents, stg_incidents, local_time.
with page as (
  -- the week is written for the page's rows only (ICU's time zones cost per row)
  select * exclude (opened_week)
  from fct_record_incidents($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to,
    $incident_service, $incident_ci, $category, $problem, $week, $hours_from, $hours_to, $risk, $weekday, $hour_band)
  where ($priority is null or priority = $priority) and ($rule is null or rule = $rule)
  order by opened_ms desc, incident_id
  limit $limit offset $offset
)
select
  p.incident_id, p.source, p.rule, p.priority, p.category, p.problem_id, i.title,
  p.incident_service, p.incident_ci, p.unit_id, p.service, p.team, p.unit_type, p.risk,
  p.opened_ms, p.golive_ms, p.hours_after_golive, p.is_in_window, p.is_failure_making,
  p.golive_weekday, p.golive_hour,
  strftime(date_trunc('week', local_time($tz, i.opened_at)), '%Y-%m-%d') as opened_week
from page p
join stg_incidents i using (incident_id)
order by opened_ms desc, incident_id;
