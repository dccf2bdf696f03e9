-- kpi_breakdown: one row per service and one per team (dimension column says
-- which) with the counts behind the headline rates, for units that went live
-- in the period.
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types.
-- Reads: fct_checked_units, unit_outcome_counts, policy_check_counts.
with checked as (
  select * from fct_checked_units($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to)
),
grouped as (
  select
    case when grouping(service) = 0 then 'service' else 'team' end as dimension,
    coalesce(service, team, '(none)') as name,
    unnest(unit_outcome_counts(c)),
    unnest(policy_check_counts(c)),
    quantile_cont(lead_time_hours, 0.5) filter (where lead_time_hours > 0) as lead_time_median_hours
  from checked c
  group by grouping sets ((service), (team))
),
final as (
  select * from grouped
)
select * from final order by dimension, name;
