-- kpi_governance: one row of release governance counts (docs/kpis.md, release
-- governance KPIs) for release or change units: the policy checks and
-- satisfaction over the completed units of the period, and the backlog as of
-- $as_of (the filters apply to it, the period does not). Rates, intervals and
-- rounding are applied by kpis.ts.
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to, $as_of,
--        $services, $teams, $types.
-- Reads: fct_period_units, fct_units, fct_confirmed_links, stg_surveys, in_filter, review_on_time, passes_policy, in_backlog, seconds_between.
with completed as (
  select *, review_on_time(review_applicable, review_completed_at, end_at, $tz) as chk_review_on_time
  from fct_period_units($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to)
),
checked as (
  select *,
    passes_policy(chk_authorised_before_start, chk_rollback_tested, chk_service_desk_notified,
      chk_outside_freeze, chk_review_on_time) as compliant
  from completed
),
checks as (
  select
    count(*)::integer as completed,
    count(*) filter (where chk_authorised_before_start)::integer as authorised_pass,
    count(chk_authorised_before_start)::integer as authorised_n,
    count(*) filter (where chk_rollback_tested)::integer as rollback_pass,
    count(chk_rollback_tested)::integer as rollback_n,
    count(*) filter (where chk_service_desk_notified)::integer as service_desk_pass,
    count(chk_service_desk_notified)::integer as service_desk_n,
    count(*) filter (where chk_outside_freeze)::integer as freeze_pass,
    count(chk_outside_freeze)::integer as freeze_n,
    count(*) filter (where chk_review_on_time)::integer as review_pass,
    count(chk_review_on_time)::integer as review_n,
    count(*) filter (where compliant)::integer as compliant,
    count(compliant)::integer as compliance_n
  from checked
),
responses as (
  -- responses linked to a completed unit of the period, within 14 days after its go-live
  select c.unit_id, s.score
  from fct_confirmed_links l
  join stg_surveys s on s.response_id = l.record_id
  join completed c on c.unit_id = l.unit_id
  where l.record_kind = 'survey' and l.unit_kind = $unit
    and s.responded_at between c.end_at and c.end_at + interval 14 days
),
satisfaction as (
  select
    count(*)::integer as responses,
    count(*) filter (where score >= 4)::integer as satisfied,
    avg(score) as mean_score,
    count(distinct unit_id)::integer as units_with_responses,
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
