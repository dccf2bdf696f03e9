-- detail_unit: one unit by id with its outcome columns (the same columns as
-- kpi_units), whatever its go-live date.
-- Binds: $unit, $unit_id, $window_hours, $failure_max_priority, $tz.
-- Reads: fct_unit_outcomes, fct_unit_baseline.
with unit as (
  select * from fct_unit_outcomes($unit, $window_hours, $failure_max_priority) where unit_id = $unit_id
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
  from unit
  left join fct_unit_baseline($unit, $window_hours) b using (unit_id)
)
select * from final;
