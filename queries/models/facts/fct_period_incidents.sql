-- fct_period_incidents(unit_kind, window_hours, failure_max_priority, services,
-- teams, types, tz, from, to): one row per incident attributed to a completed
-- unit that went live in the period (and the source that sent it), with the unit's context (service, type,
-- risk, go-live weekday and hour in tz) and hours from go-live. Times are epoch
-- milliseconds so the rows travel well as Arrow. The period's units get their
-- risk and local go-live weekday and hour once each, and are joined to the
-- attribution before the incidents are read.
-- Materialized: macro. Reads: fct_period_units, fct_attributed, stg_incidents, stg_changes, window_reach, seconds_between.
create or replace macro fct_period_incidents(p_unit_kind, p_window_hours, p_failure_max_priority, p_services, p_teams, p_types, p_tz, p_from, p_to) as table
with units as (
  select
    unit_id, service, team, unit_type, change_id, start_at, end_at,
    isodow(timezone(p_tz, end_at))::integer as golive_weekday,
    hour(timezone(p_tz, end_at))::integer as golive_hour
  from fct_period_units(p_unit_kind, p_window_hours, p_failure_max_priority, p_services, p_teams, p_types, p_tz, p_from, p_to)
),
with_risk as (
  -- a release's risk is the highest of its changes'; a change's or deployment's, its change's
  select u.*, coalesce(case when p_unit_kind = 'release' then rr.risk else cr.risk end, 'unknown') as risk
  from units u
  left join (
    select release_id,
      arg_max(risk, case risk when 'low' then 1 when 'medium' then 2 when 'high' then 3 when 'critical' then 4 end) as risk
    from stg_changes
    where release_id is not null
    group by all
  ) rr on rr.release_id = u.unit_id
  left join stg_changes cr on cr.change_id = u.change_id
),
attributed as (
  select a.incident_id, a.rule, u.*
  from fct_attributed(p_unit_kind, p_window_hours) a
  join with_risk u using (unit_id)
),
final as (
  select
    a.incident_id, i.source, a.rule, i.priority, i.category, i.problem_id, i.title,
    coalesce(i.service, '') as incident_service, coalesce(i.ci, '') as incident_ci,
    a.unit_id, a.service, a.team, a.unit_type,
    a.risk,
    epoch_ms(i.opened_at)::double as opened_ms,
    epoch_ms(a.end_at)::double as golive_ms,
    round(seconds_between(i.opened_at, a.end_at) / 3600, 4) as hours_after_golive,
    i.opened_at between a.start_at and window_reach(a.end_at, p_window_hours) as is_in_window,
    i.priority <= p_failure_max_priority as is_failure_making,
    a.golive_weekday,
    a.golive_hour,
    strftime(date_trunc('week', timezone(p_tz, i.opened_at)), '%Y-%m-%d') as opened_week
  from attributed a
  join stg_incidents i using (incident_id)
)
select * from final;
