-- review_queue: one page of the period's inferred links (rule likely) that no
-- person has reviewed, worst first: priority, then the unit's excess over its
-- baseline (post-release incidents less expected, most first), then newest.
-- total_rows: how many such links the period has.
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types, $limit, $offset.
-- Reads: fct_attribution, fct_period_units, stg_link_reviews, stg_incidents, seconds_between.
with units as (
  select unit_id, service, team, unit_type, end_at, post_release_incidents, expected_incidents,
    post_release_incidents - coalesce(expected_incidents, 0) as unit_excess
  from fct_period_units($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to)
),
links as (
  select a.incident_id, a.unit_id, a.opened_at, a.priority, a.service as incident_service, a.ci as incident_ci,
    u.service, u.team, u.unit_type, u.end_at as golive_at, u.post_release_incidents, u.expected_incidents, u.unit_excess
  from fct_attribution($unit, $window_hours) a
  join units u using (unit_id)
  anti join stg_link_reviews r
    on r.incident_id = a.incident_id and r.unit_kind = $unit and r.unit_id = a.unit_id
  where a.rule = 'likely'
),
page as (
  select *, count(*) over () as total_rows
  from links
  order by priority, unit_excess desc, opened_at desc, incident_id
  limit $limit offset $offset
)
select p.*, i.title, i.category,
  round(seconds_between(p.opened_at, p.golive_at) / 3600, 2) as hours_after_golive
from page p
join stg_incidents i using (incident_id)
order by priority, unit_excess desc, opened_at desc, incident_id;
