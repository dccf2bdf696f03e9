-- int_attribution(unit_kind, window_hours, refresh): one row per attributed incident
-- (incident_id, unit_id, rule),
-- naming the unit of that kind it is attributed to and the rule used.
--   confirmed: an explicit link (fct_confirmed_links), whatever the time gap;
--   likely:    otherwise, the completed unit with the latest start (ties: greatest
--              id) whose window [start, end + window_hours] contains opened_at
--              and that shares the incident's service or one of its CIs.
-- Set-based: an ASOF join finds, per match key, the latest unit that started at
-- or before the incident; a range join runs only for the few incidents that an
-- earlier-starting unit could still reach (see docs/decisions/002-attribution.md).
-- An incident's attribution depends only on its own record and the units, so
-- with p_refresh it is computed for the incidents in refresh_incidents alone.
-- The computation behind fct_attribution, which keeps its rows per window.
-- Materialized: macro. Reads: fct_units, fct_unit_cis, fct_confirmed_links, stg_incidents, window_reach, refresh_incidents.
create or replace macro int_attribution(p_unit_kind, p_window_hours, p_refresh) as table
with units as (
  select
    unit_id, service, start_at, end_at,
    window_reach(end_at, p_window_hours) as reach_at
  from fct_units
  where unit_kind = p_unit_kind and is_completed
),
incidents as (
  select * from stg_incidents
  where not p_refresh or incident_id in (select incident_id from refresh_incidents)
),
incident_keys as (
  select incident_id, opened_at, 'service' as key_kind, service as key from incidents where service is not null
  union all
  select incident_id, opened_at, 'ci', ci from incidents where ci is not null
),
unit_keys as (
  select * from (
    select 'service' as key_kind, service as key, unit_id, start_at, reach_at
    from units where service is not null
    union all
    select 'ci', c.ci, u.unit_id, u.start_at, u.reach_at
    from units u join fct_unit_cis c on c.unit_kind = p_unit_kind and c.unit_id = u.unit_id
  )
  -- a refresh needs only the keys of its incidents (each key's units are taken whole)
  where not p_refresh or key in (
    select unnest([service, ci]) from stg_incidents
    where incident_id in (select incident_id from refresh_incidents)
  )
),
starts as (
  -- each distinct start per key, with the furthest reach of any unit starting at or before it
  select
    key_kind, key, start_at,
    max(max_reach) over (partition by key_kind, key order by start_at rows unbounded preceding) as reach_so_far
  from (select key_kind, key, start_at, max(reach_at) as max_reach from unit_keys group by all)
),
nearest as (
  select i.*, s.start_at as latest_start, s.reach_so_far
  from incident_keys i
  asof join starts s on i.key_kind = s.key_kind and i.key = s.key and i.opened_at >= s.start_at
),
at_latest as (
  select n.incident_id, n.key_kind, u.unit_id, u.start_at
  from nearest n
  join unit_keys u on u.key_kind = n.key_kind and u.key = n.key and u.start_at = n.latest_start
  where n.opened_at <= u.reach_at
),
needs_range as (
  select n.* from nearest n
  anti join at_latest a on a.incident_id = n.incident_id and a.key_kind = n.key_kind
  where n.reach_so_far >= n.opened_at
),
by_range as (
  select n.incident_id, n.key_kind, u.unit_id, u.start_at
  from needs_range n
  join unit_keys u on u.key_kind = n.key_kind and u.key = n.key
  where n.opened_at between u.start_at and u.reach_at
),
likely as (
  select incident_id, arg_max(unit_id, (start_at, unit_id)) as unit_id
  from (select * from at_latest union all select * from by_range)
  group by all
),
confirmed as (
  select record_id as incident_id, unit_id
  from fct_confirmed_links where record_kind = 'incident' and unit_kind = p_unit_kind
    and (not p_refresh or record_id in (select incident_id from refresh_incidents))
),
final as (
  select
    coalesce(c.incident_id, l.incident_id) as incident_id,
    coalesce(c.unit_id, l.unit_id) as unit_id,
    case when c.unit_id is not null then 'confirmed' else 'likely' end as rule
  from confirmed c
  full join likely l using (incident_id)
)
select * from final;
