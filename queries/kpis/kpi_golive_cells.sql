-- kpi_golive_cells: one row per (weekday, 3-hour band) of go-live in the
-- reporting time zone: completed units, failed units, attributed incidents.
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types.
-- Reads: fct_period_units, local_time, unit_outcome_counts.
with completed as (
  select * from fct_period_units($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to)
),
final as (
  select
    isodow(local_time($tz, end_at))::integer as weekday,
    (hour(local_time($tz, end_at)) // 3 * 3)::integer as hour_band,
    unnest(unit_outcome_counts(c)),
    sum(confirmed_incidents + likely_incidents)::integer as incidents
  from completed c
  group by 1, 2
)
select * from final order by weekday, hour_band;
