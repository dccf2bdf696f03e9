-- kpi_golive_cells: one row per (weekday, 3-hour band) of go-live in the
-- reporting time zone: completed units, failed units, attributed incidents.
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types.
-- Reads: fct_unit_outcomes.
with bounds as (
  select timezone($tz, $from::timestamp) as from_at, timezone($tz, $to::timestamp) as to_at
),
completed as (
  select u.* from fct_unit_outcomes($unit, $window_hours, $failure_max_priority) u, bounds b
  where u.is_completed and u.end_at >= b.from_at and u.end_at < b.to_at
    and (len($services) = 0 or list_contains($services, u.service))
    and (len($teams) = 0 or list_contains($teams, u.team))
    and (len($types) = 0 or list_contains($types, u.unit_type))
),
final as (
  select
    isodow(timezone($tz, end_at))::integer as weekday,
    (hour(timezone($tz, end_at)) // 3 * 3)::integer as hour_band,
    count(*)::integer as completed,
    count(*) filter (where is_failed)::integer as failed,
    sum(confirmed_incidents + likely_incidents)::integer as incidents
  from completed
  group by all
)
select * from final order by weekday, hour_band;
