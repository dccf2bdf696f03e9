-- fct_unit_outcomes(unit_kind, window_hours, failure_max_priority): one row per
-- unit of that kind with everything the KPIs count: failed, rolled back,
-- incidents in the post-release window, recovery and lead time in hours,
-- authorisation and freeze violations.
-- Reads: fct_units, fct_attribution, stg_freeze_windows.
create or replace macro fct_unit_outcomes(p_unit_kind, p_window_hours, p_failure_max_priority) as table
with units as (
  select * from fct_units where unit_kind = p_unit_kind
),
attributed as (
  select
    a.unit_id, a.rule, a.priority, a.resolved_at,
    a.opened_at between u.start_at
      and u.end_at + to_microseconds(cast(round(p_window_hours * 3600000000) as bigint)) as is_in_window
  from fct_attribution(p_unit_kind, p_window_hours) a
  join units u using (unit_id)
),
incident_counts as (
  select
    unit_id,
    count(*) filter (where is_in_window)::integer as post_release_incidents,
    count(*) filter (where rule = 'confirmed')::integer as confirmed_incidents,
    count(*) filter (where rule = 'likely')::integer as likely_incidents,
    bool_or(priority <= p_failure_max_priority) as has_failure_incident,
    max(resolved_at) filter (where priority <= p_failure_max_priority) as incidents_restored_at
  from attributed
  group by all
),
freezes as (
  select u.unit_id, count(*)::integer as freeze_overlaps
  from units u
  join stg_freeze_windows f
    on f.kind = 'freeze' and (f.service is null or f.service = u.service)
    and u.start_at < f.ends_at and u.end_at > f.starts_at
  group by all
),
final as (
  select
    u.*,
    u.own_failed or coalesce(i.has_failure_incident, false) as is_failed,
    u.own_rolled_back as is_rolled_back,
    coalesce(i.post_release_incidents, 0) as post_release_incidents,
    coalesce(i.confirmed_incidents, 0) as confirmed_incidents,
    coalesce(i.likely_incidents, 0) as likely_incidents,
    greatest(i.incidents_restored_at, u.rollback_restored_at) as restored_at,
    case when (u.own_failed or coalesce(i.has_failure_incident, false)) and restored_at is not null
      then greatest(epoch(restored_at - u.end_at) / 3600, 0)
    end as recovery_hours,
    case when u.unit_kind <> 'deployment' then epoch(u.end_at - u.requested_at) / 3600 end as lead_time_hours,
    case when u.unit_kind <> 'deployment' then u.approved_at is null or u.approved_at > u.start_at end as is_unauthorized,
    u.unit_type = 'emergency' as is_emergency,
    coalesce(f.freeze_overlaps, 0) > 0 as is_freeze_violation,
    epoch(u.end_at - u.planned_end) / 60 as slip_minutes
  from units u
  left join incident_counts i using (unit_id)
  left join freezes f using (unit_id)
)
select * from final;
