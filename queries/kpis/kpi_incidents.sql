-- kpi_incidents: one row per incident attributed to a completed unit that went
-- live in the period, with the unit's context (service, type, risk, go-live
-- weekday and hour in the reporting time zone) and hours from go-live.
-- Times are epoch milliseconds so the rows travel well as Arrow.
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types.
-- Reads: fct_period_units, fct_attribution, stg_changes.
with units as (
  select * from fct_period_units($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to)
),
risk_rank as (
  select change_id, release_id, risk,
    case risk when 'low' then 1 when 'medium' then 2 when 'high' then 3 when 'critical' then 4 end as rank
  from stg_changes
),
release_risk as (
  select release_id, arg_max(risk, rank) as risk from risk_rank where release_id is not null group by all
),
attributed as (
  select * from fct_attribution($unit, $window_hours)
),
final as (
  select
    a.incident_id, a.rule, a.priority, a.category, a.problem_id, a.title,
    coalesce(a.service, '') as incident_service, coalesce(a.ci, '') as incident_ci,
    u.unit_id, u.service, u.team, u.unit_type,
    coalesce(case when $unit = 'release' then rr.risk else cr.risk end, 'unknown') as risk,
    epoch_ms(a.opened_at)::double as opened_ms,
    epoch_ms(u.end_at)::double as golive_ms,
    round(epoch(a.opened_at - u.end_at) / 3600, 4) as hours_after_golive,
    a.opened_at between u.start_at and window_reach(u.end_at, $window_hours) as is_in_window,
    a.priority <= $failure_max_priority as is_failure_making,
    isodow(timezone($tz, u.end_at))::integer as golive_weekday,
    hour(timezone($tz, u.end_at))::integer as golive_hour,
    strftime(date_trunc('week', timezone($tz, a.opened_at)), '%Y-%m-%d') as opened_week
  from attributed a
  join units u using (unit_id)
  left join release_risk rr on rr.release_id = u.unit_id
  left join risk_rank cr on cr.change_id = u.change_id
)
select * from final order by opened_ms desc, incident_id;
