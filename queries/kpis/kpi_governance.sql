-- kpi_governance: one row of release governance counts (docs/kpis.md, release
-- governance KPIs) for release or change units: the policy checks and
-- satisfaction over the completed units of the period, and the backlog as of
-- $as_of (the filters apply to it, the period does not). Rates, intervals and
-- rounding are applied by kpis.ts.
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to, $as_of,
--        $services, $teams, $types.
-- Reads: fct_checked_units, fct_units, fct_unit_surveys, stg_surveys, in_filter, policy_check_counts,
--        in_backlog, seconds_between.
with checked as (
  select * from fct_checked_units($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to)
),
checks as (
  select
    count(*)::integer as completed,
    unnest(policy_check_counts(c))
  from checked c
),
responses as (
  -- per completed unit of the period, its responses within 14 days after go-live (units without any have no row)
  select r.responses, r.satisfied, r.score_sum
  from checked c
  join fct_unit_surveys r on r.unit_kind = $unit and r.unit_id = c.unit_id
),
satisfaction as (
  select
    coalesce(sum(responses), 0)::integer as responses,
    coalesce(sum(satisfied), 0)::integer as satisfied,
    -- the mean of the scores: their sum over their count, as avg(score) divides them
    case when sum(responses) > 0 then sum(score_sum)::double / sum(responses) end as mean_score,
    count(*)::integer as units_with_responses,
    (select count(*) from stg_surveys)::integer as survey_records
  from responses
),
backlog_units as (
  select unit_id, requested_at, planned_end
  from fct_units
  where unit_kind = $unit
    and in_filter($services, service) and in_filter($teams, team) and in_filter($types, unit_type)
    and in_backlog(requested_at, is_completed, end_at, cancelled_at, $as_of::timestamptz)
),
backlog as (
  select
    count(*)::integer as backlog_count,
    count(*) filter (where planned_end < $as_of::timestamptz)::integer as backlog_overdue,
    quantile_cont(seconds_between($as_of::timestamptz, requested_at) / 86400, 0.5) as age_median,
    quantile_cont(seconds_between($as_of::timestamptz, requested_at) / 86400, 0.85) as age_p85,
    avg(seconds_between($as_of::timestamptz, requested_at) / 86400) as age_mean,
    coalesce(list(unit_id order by requested_at, unit_id)[1:10], []) as oldest
  from backlog_units
)
select * from checks, satisfaction, backlog;
