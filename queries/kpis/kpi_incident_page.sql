-- kpi_incident_page: one page of the period's attributed incidents, newest
-- first, of one priority and rule, and of one incident service, CI, category
-- and problem (null: any), with their titles (read for the page's rows only).
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types, $priority, $rule, $incident_service,
--        $incident_ci, $category, $problem, $limit, $offset.
-- Reads: fct_period_incidents, stg_incidents, local_time.
with page as (
  -- the week is written for the page's rows only (ICU's time zones cost per row)
  select * exclude (opened_week)
  from fct_period_incidents($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to)
  where ($priority is null or priority = $priority) and ($rule is null or rule = $rule)
    and ($incident_service is null or incident_service = $incident_service)
    and ($incident_ci is null or incident_ci = $incident_ci)
    and ($category is null or category = $category)
    and ($problem is null or problem_id = $problem)
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
