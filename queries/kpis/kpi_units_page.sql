-- kpi_units_page: one page of the releases table's view, searched, filtered
-- by outcome, sorted and paged here rather than in JavaScript, with the view's
-- row count on every row. Sorting as the table does: by the chosen column
-- (text, number, boolean or time), empty values last in either direction,
-- ties by id. The outcome 'excess' needs the Poisson test of units.ts and is
-- not filtered here.
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types, $q (lower case, '' for none), $outcome,
--        $sort, $dir, $weekday and $hour_band (a go-live slot of the incident
--        patterns heatmap, null for any), $backlog_at and $backlog_overdue (the
--        units in the backlog at that local date instead of the period's: a
--        point of the backlog chart; null for the period), $limit, $offset.
-- Reads: fct_listed_units, fct_backlog_units, local_time.
with listed as (
  select *
  from fct_listed_units($unit, $window_hours, $failure_max_priority, $tz, $from, $to, $services, $teams, $types)
  where $backlog_at::date is null
  union all
  select *
  from fct_backlog_units($unit, $window_hours, $failure_max_priority, $tz, $backlog_at::date, $backlog_overdue,
    $services, $teams, $types)
  where $backlog_at::date is not null
),
viewed as (
  select *,
    case $sort
      when 'unit_id' then unit_id when 'title' then title when 'unit_type' then unit_type
      when 'service' then service when 'team' then team when 'record_status' then record_status
    end as sort_text,
    case $sort
      when 'slip_minutes' then slip_minutes when 'lead_time_hours' then lead_time_hours
      when 'duration_minutes' then duration_minutes when 'overrun_minutes' then overrun_minutes
      when 'confirmed_incidents' then confirmed_incidents when 'likely_incidents' then likely_incidents
      when 'expected_incidents' then expected_incidents when 'is_failed' then is_failed::integer
      when 'policy_failed_checks' then policy_failed_checks
    end::double as sort_number,
    case $sort when 'planned_end' then planned_end when 'end_at' then end_at end as sort_at
  from listed
  where ($q = '' or contains(lower(unit_id), $q) or contains(lower(title), $q)
         or contains(lower(service), $q) or contains(lower(team), $q))
    and case $outcome
      when 'failed' then is_completed and is_failed
      when 'succeeded' then is_completed and not is_failed
      when 'rolled_back' then is_rolled_back
      when 'open' then not is_completed
      else true
    end
    and ($weekday is null or (is_completed
      and isodow(local_time($tz, end_at)) = $weekday and hour(local_time($tz, end_at)) // 3 * 3 = $hour_band))
)
select * exclude (sort_text, sort_number, sort_at), count(*) over () as view_rows
from viewed
order by
  case when $dir = 'asc' then sort_text end asc nulls last,
  case when $dir = 'desc' then sort_text end desc nulls last,
  case when $dir = 'asc' then sort_number end asc nulls last,
  case when $dir = 'desc' then sort_number end desc nulls last,
  case when $dir = 'asc' then sort_at end asc nulls last,
  case when $dir = 'desc' then sort_at end desc nulls last,
  unit_id
limit $limit offset $offset;
