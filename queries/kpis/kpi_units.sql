-- kpi_units: one row per unit of the chosen kind that went live in the period,
-- or that was due in the period and did not go live (cancelled, overdue), with
-- the columns of fct_unit_rows. Local go-live weekday and hour are in the
-- reporting time zone.
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types.
-- Reads: fct_unit_rows, dim_period.
with bounds as (
  select * from dim_period($tz, $from, $to)
),
units as (
  select * from fct_unit_rows($unit, $window_hours, $failure_max_priority, $tz)
  where in_filter($services, service) and in_filter($teams, team) and in_filter($types, unit_type)
),
final as (
  select u.* from units u, bounds b
  where (u.is_completed and u.end_at >= b.from_at and u.end_at < b.to_at)
     or (not u.is_completed and u.planned_end >= b.from_at and u.planned_end < b.to_at)
)
select * from final order by end_at desc nulls last, unit_id;
