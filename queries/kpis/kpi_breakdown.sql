-- kpi_breakdown: one row per service and one per team (dimension column says
-- which) with the counts behind the headline rates, for units that went live
-- in the period.
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types.
-- Reads: fct_period_units, passes_policy, review_on_time.
with completed as (
  select * from fct_period_units($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to)
),
grouped as (
  select
    case when grouping(service) = 0 then 'service' else 'team' end as dimension,
    coalesce(service, team, '(none)') as name,
    count(*)::integer as completed,
    count(*) filter (where is_failed)::integer as failed,
    count(*) filter (where is_rolled_back)::integer as rolled_back,
    count(*) filter (where post_release_incidents > 0)::integer as with_incidents,
    coalesce(sum(post_release_incidents), 0)::integer as post_release_incidents,
    count(*) filter (where is_emergency)::integer as emergency,
    count(*) filter (where is_freeze_violation)::integer as freeze_violations,
    quantile_cont(lead_time_hours, 0.5) filter (where lead_time_hours > 0) as lead_time_median_hours,
    count(*) filter (where compliant)::integer as compliant,
    count(compliant)::integer as compliance_n
  from (
    select *, passes_policy(chk_authorised_before_start, chk_rollback_tested, chk_service_desk_notified,
      chk_outside_freeze, review_on_time(review_applicable, review_completed_at, end_at, $tz)) as compliant
    from completed
  )
  group by grouping sets ((service), (team))
),
final as (
  select * from grouped
)
select * from final order by dimension, name;
