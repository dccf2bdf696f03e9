-- kpi_summary: one row of counts and duration statistics for the units of one
-- kind that went live in a period, in a reporting time zone. Rates, intervals
-- and rounding are applied by kpis.ts.
-- Binds: $unit, $window_hours, $failure_max_priority, $tolerance_minutes, $tz,
--        $from, $to (local dates, [from, to)), $as_of, $services, $teams, $types.
-- Reads: fct_period_units, fct_scoped_units, fct_units, dim_period, seconds_between.
with bounds as (
  select * from dim_period($tz, $from, $to)
),
units as (
  select * from fct_scoped_units($unit, $window_hours, $failure_max_priority, $services, $teams, $types)
),
completed as (
  select * from fct_period_units($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to)
),
schedule_cohort as (
  select
    u.is_completed and u.end_at <= u.planned_end + to_minutes(cast($tolerance_minutes as bigint)) as is_on_time
  from units u, bounds b
  where not u.is_cancelled
    and u.planned_end >= b.from_at and u.planned_end < b.to_at
    and (u.is_completed or u.planned_end + to_minutes(cast($tolerance_minutes as bigint)) < $as_of::timestamptz)
),
deployments as (
  select count(*)::integer as deployments
  from fct_units d, bounds b
  where d.unit_kind = 'deployment' and d.is_completed
    and d.end_at >= b.from_at and d.end_at < b.to_at
    and in_filter($services, d.service) and in_filter($teams, d.team) and in_filter($types, d.unit_type)
),
totals as (
  select
    count(*)::integer as completed,
    count(*) filter (where is_failed)::integer as failed,
    count(*) filter (where is_rolled_back)::integer as rolled_back,
    count(*) filter (where post_release_incidents > 0)::integer as with_incidents,
    coalesce(sum(post_release_incidents), 0)::integer as post_release_incidents,
    count(*) filter (where is_emergency)::integer as emergency,
    count(*) filter (where is_unauthorized)::integer as unauthorized,
    count(is_unauthorized)::integer as authorisation_applicable,
    count(*) filter (where is_freeze_violation)::integer as freeze_violations,
    count(recovery_hours)::integer as recovery_n,
    quantile_cont(recovery_hours, 0.5) as recovery_median,
    quantile_cont(recovery_hours, 0.85) as recovery_p85,
    avg(recovery_hours) as recovery_mean,
    count(lead_time_hours) filter (where lead_time_hours > 0)::integer as lead_n,
    quantile_cont(lead_time_hours, 0.5) filter (where lead_time_hours > 0) as lead_median,
    quantile_cont(lead_time_hours, 0.85) filter (where lead_time_hours > 0) as lead_p85,
    avg(lead_time_hours) filter (where lead_time_hours > 0) as lead_mean
  from completed
),
final as (
  select
    t.*,
    (select count(*) filter (where is_on_time) from schedule_cohort)::integer as on_time,
    (select count(*) from schedule_cohort)::integer as schedule_cohort,
    d.deployments,
    seconds_between(b.to_at, b.from_at) / 3600 as period_hours
  from totals t, deployments d, bounds b
)
select * from final;
