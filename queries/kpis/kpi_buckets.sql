-- kpi_buckets: one row per (bucket, segment): the counts behind each rate and
-- the median durations (lead time, recovery, deployment window), for units that went live in the period, bucketed by
-- week (starting Monday) or month in the reporting time zone. Segments: 'all',
-- and 'planned' / 'emergency' (release or change type) for side-by-side trends.
-- Binds: $unit, $window_hours, $failure_max_priority, $tolerance_minutes, $tz,
--        $from, $to, $as_of, $bucket ('week' | 'month'), $services, $teams, $types.
-- Reads: fct_period_units, fct_schedule_cohort, fct_period_deployments,
--        unit_outcome_counts, local_time.
with completed as (
  select u.*, date_trunc($bucket, local_time($tz, u.end_at)) as bucket, coalesce(u.is_emergency, false) as emergency_flag
  from fct_period_units($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to) u
),
outcomes as (
  select
    bucket,
    case when grouping(emergency_flag) = 1 then 'all' when emergency_flag then 'emergency' else 'planned' end as segment,
    unnest(unit_outcome_counts(c)),
    quantile_cont(lead_time_hours, 0.5) filter (where lead_time_hours > 0) as lead_time_median_hours,
    quantile_cont(recovery_hours, 0.5) as recovery_median_hours,
    -- deployment windows: ran longer than planned by more than the tolerance, of those with both windows
    count(*) filter (where overrun_minutes > $tolerance_minutes)::integer as overran,
    count(overrun_minutes)::integer as overrun_cohort,
    quantile_cont(duration_minutes, 0.5) as duration_median_minutes
  from completed c
  group by grouping sets ((bucket), (bucket, emergency_flag))
),
schedule as (
  select
    date_trunc($bucket, local_time($tz, s.planned_end)) as bucket,
    count(*) filter (where s.is_on_time)::integer as on_time,
    count(*)::integer as schedule_cohort
  from fct_schedule_cohort($unit, $window_hours, $failure_max_priority, $services, $teams, $types,
    $tolerance_minutes, $as_of, $tz, $from, $to) s
  group by all
),
deployments as (
  select date_trunc($bucket, local_time($tz, d.end_at)) as bucket, count(*)::integer as deployments
  from fct_period_deployments($services, $teams, $types, $tz, $from, $to) d
  group by all
),
final as (
  select
    strftime(o.bucket, '%Y-%m-%d') as bucket_start,
    o.* exclude (bucket),
    case when o.segment = 'all' then coalesce(s.on_time, 0) end as on_time,
    case when o.segment = 'all' then coalesce(s.schedule_cohort, 0) end as schedule_cohort,
    case when o.segment = 'all' then coalesce(d.deployments, 0) end as deployments
  from outcomes o
  left join schedule s using (bucket)
  left join deployments d using (bucket)
)
select * from final order by bucket_start, segment;
