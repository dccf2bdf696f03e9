-- kpi_units: one row per unit of the chosen kind that went live in the period,
-- or that was due in the period and did not go live (cancelled, overdue), with
-- the outcome columns every KPI is built from. Local go-live weekday and hour
-- are in the reporting time zone.
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types.
-- Reads: fct_scoped_units, fct_unit_baseline, dim_period.
with bounds as (
  select * from dim_period($tz, $from, $to)
),
units as (
  select * from fct_scoped_units($unit, $window_hours, $failure_max_priority, $services, $teams, $types)
),
in_period as (
  select u.* from units u, bounds b
  where (u.is_completed and u.end_at >= b.from_at and u.end_at < b.to_at)
     or (not u.is_completed and u.planned_end >= b.from_at and u.planned_end < b.to_at)
),
final as (
  select
    unit_id, title, unit_type, service, team, record_status, release_id, change_id, strategy,
    requested_at, approved_at, planned_start, planned_end, start_at, end_at,
    is_completed, is_cancelled, is_failed, is_rolled_back, own_failed,
    post_release_incidents, confirmed_incidents, likely_incidents,
    round(slip_minutes, 1) as slip_minutes,
    round(lead_time_hours, 4) as lead_time_hours,
    round(recovery_hours, 4) as recovery_hours,
    is_emergency, is_unauthorized, is_freeze_violation,
    isodow(timezone($tz, end_at))::integer as golive_weekday,
    hour(timezone($tz, end_at))::integer as golive_hour,
    b.background_incidents,
    round(b.expected_incidents, 4) as expected_incidents
  from in_period
  left join fct_unit_baseline($unit, $window_hours) b using (unit_id)
)
select * from final order by end_at desc nulls last, unit_id;
