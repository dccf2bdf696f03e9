-- kpi_summary: one row of counts and duration statistics for the units of one
-- kind that went live in a period, in a reporting time zone. Rates, intervals
-- and rounding are applied by kpis.ts.
-- Binds: $unit, $window_hours, $failure_max_priority, $tolerance_minutes, $tz,
--        $from, $to (local dates, [from, to)), $as_of, $services, $teams, $types.
-- Reads: fct_period_units, fct_schedule_cohort, fct_period_deployments,
--        unit_outcome_counts, dim_period, seconds_between.
with bounds as (
  select * from dim_period($tz, $from, $to)
),
completed as (
  select * from fct_period_units($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to)
),
schedule_cohort as (
  select * from fct_schedule_cohort($unit, $window_hours, $failure_max_priority, $services, $teams, $types,
    $tolerance_minutes, $as_of, $tz, $from, $to)
),
deployments as (
  select count(*)::integer as deployments
  from fct_period_deployments($services, $teams, $types, $tz, $from, $to)
),
totals as (
  select
    unnest(unit_outcome_counts(c)),
    count(recovery_hours)::integer as recovery_n,
    quantile_cont(recovery_hours, 0.5) as recovery_median,
    quantile_cont(recovery_hours, 0.85) as recovery_p85,
    avg(recovery_hours) as recovery_mean,
    count(lead_time_hours) filter (where lead_time_hours > 0)::integer as lead_n,
    quantile_cont(lead_time_hours, 0.5) filter (where lead_time_hours > 0) as lead_median,
    quantile_cont(lead_time_hours, 0.85) filter (where lead_time_hours > 0) as lead_p85,
    avg(lead_time_hours) filter (where lead_time_hours > 0) as lead_mean
  from completed c
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
