-- kpi_window_curve: for the completed units of the period, the incidents
-- attributed to them with a 168-hour window, counted cumulatively by hours
-- after go-live (every 6 hours), beside what the services' background rate
-- (unattributed incidents in the 28 days before each go-live) would give in
-- the same hours. Where the attributed curve flattens to the background slope,
-- a longer window only collects noise.
-- Binds: $unit, $failure_max_priority, $tz, $from, $to, $services, $teams, $types.
-- Reads: fct_period_units, fct_attribution, seconds_between.
with completed as (
  select unit_id, end_at, coalesce(background_incidents, 0) as background_incidents
  from fct_period_units($unit, 168, $failure_max_priority, $services, $teams, $types, $tz, $from, $to)
),
attributed as (
  select seconds_between(a.opened_at, c.end_at) / 3600 as hours
  from fct_attribution($unit, 168) a
  join completed c on c.unit_id = a.unit_id
),
points as (
  select unnest(range(0, 169, 6)) as hours_after_golive
),
final as (
  select
    p.hours_after_golive::integer as hours_after_golive,
    (select count(*) from attributed where hours >= 0 and hours <= p.hours_after_golive)::integer as attributed,
    round((select sum(background_incidents) from completed) / (28 * 24) * p.hours_after_golive, 4)
      as background_expected
  from points p
)
select * from final order by hours_after_golive;
