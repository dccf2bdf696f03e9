-- fct_unit_rows(unit_kind, window_hours, failure_max_priority, tz): one row per
-- unit of that kind with the columns the releases table, the release detail and
-- /api/units show: outcomes, rounded durations (lead time, deployment window, overrun), local go-live weekday and hour
-- (in tz), the excess-incident baseline, the policy checks (null = not applicable)
-- and the unit its go-live window collides with (fct_collisions, carried by
-- every window's rows).
-- One select on a subquery, no CTEs (as fct_unit_outcomes: it binds faster).
-- Grain: one row per unit of the kind (unit_id), as fct_unit_outcomes. Held by
-- test/queries/materialized.test.ts.
-- Materialized: macro. Reads: fct_unit_outcomes, review_on_time, local_time.
create or replace macro fct_unit_rows(p_unit_kind, p_window_hours, p_failure_max_priority, p_tz) as table
select *,
  -- how many applicable policy checks a completed release or change fails (null otherwise)
  case when is_completed and chk_outside_freeze is not null then
    (coalesce(not chk_authorised_before_start, false)::integer + coalesce(not chk_rollback_tested, false)::integer
     + coalesce(not chk_service_desk_notified, false)::integer + coalesce(not chk_outside_freeze, false)::integer
     + coalesce(not chk_review_on_time, false)::integer)
  end as policy_failed_checks
from (
  select
    unit_id, title, unit_type, service, team, record_status, release_id, change_id, strategy,
    requested_at, approved_at, planned_start, planned_end, start_at, end_at,
    is_completed, is_cancelled, is_failed, is_rolled_back, own_failed,
    post_release_incidents, confirmed_incidents, likely_incidents,
    round(slip_minutes, 1) as slip_minutes,
    round(duration_minutes, 1) as duration_minutes,
    round(planned_minutes, 1) as planned_minutes,
    round(overrun_minutes, 1) as overrun_minutes,
    round(lead_time_hours, 4) as lead_time_hours,
    round(recovery_hours, 4) as recovery_hours,
    is_emergency, is_unauthorized, is_freeze_violation, collides_with, collides_on,
    isodow(local_time(p_tz, end_at))::integer as golive_weekday,
    hour(local_time(p_tz, end_at))::integer as golive_hour,
    background_incidents,
    round(expected_incidents, 4) as expected_incidents,
    chk_authorised_before_start, chk_rollback_tested, chk_service_desk_notified, chk_outside_freeze,
    review_on_time(review_applicable, review_completed_at, end_at, p_tz) as chk_review_on_time
  from fct_unit_outcomes(p_unit_kind, p_window_hours, p_failure_max_priority)
);
