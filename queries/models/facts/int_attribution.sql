-- int_attribution(unit_kind, window_hours, refresh): one row per attributed incident
-- (incident_id, unit_id, rule), naming the unit of that kind it is attributed
-- to and the rule used, with the incident's columns that the pages count by
-- (source, times, priority, service, CI, category, problem): readers of the
-- kept rows then need not join the million incident rows again. golive_at is
-- the unit's go-live (its end_at): a reader of a period's units can skip the
-- rows of other periods before it joins them (the store keeps them in its order).
--   confirmed: an explicit link (fct_confirmed_links), whatever the time gap;
--   likely:    otherwise, the completed unit with the latest start (ties: greatest
--              id) whose window [start, end + window_hours] contains opened_at
--              and that shares the incident's service or one of its CIs.
--   reviewed:  a person confirmed the link (stg_link_reviews, through
--              fct_confirmed_links); a unit a person rejected is no candidate
--              by either rule, and the incident goes to the best of the rest
--              (docs/kpis.md, "Incident attribution", item 4).
-- Set-based: an ASOF join finds, per match key, the latest unit that started at
-- or before the incident; a range join runs only for the few incidents that an
-- earlier-starting unit could still reach (see docs/decisions/002-attribution.md).
-- The few incidents with a rejected unit of this kind skip the ASOF join: a
-- range join over their keys' units, less the rejected ones, picks theirs.
-- An incident's attribution depends only on its own record and the units, so
-- with p_refresh it is computed for the incidents in refresh_incidents alone,
-- and with p_from / p_to for the incidents whose id is in [p_from, p_to) alone
-- (p_to null: no upper bound): a build at ten million incidents computes a
-- kind in parts that each fit in memory (decision 028).
-- The computation behind fct_attribution, which keeps its rows per window.
-- Grain: one row per attributed incident (incident_id) of the kind. Held by
-- test/queries/keys.test.ts (mat_attribution, filled from it) and
-- test/queries/materialized.test.ts (in parts against whole).
-- Materialized: macro. Reads: fct_units, fct_unit_cis, fct_confirmed_links, stg_incidents, stg_link_reviews, window_reach, refresh_incidents.
create or replace macro int_attribution(p_unit_kind, p_window_hours, p_refresh, p_from := '', p_to := null) as table
with units as (
  select
    unit_id, service, start_at, end_at,
    window_reach(end_at, p_window_hours) as reach_at
  from fct_units
  where unit_kind = p_unit_kind and is_completed
),
incidents as (
  select * from stg_incidents
  where (not p_refresh or incident_id in (select incident_id from refresh_incidents))
    and incident_id >= p_from and (p_to is null or incident_id < p_to)
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
key_numbers as (
  -- the ASOF join sorts by its partition: one integer sorts far faster than two strings
  select key_kind, key, row_number() over () as key_no
  from (select distinct key_kind, key from unit_keys)
),
numbered_units as (
  select k.key_no, u.unit_id, u.start_at, u.reach_at
  from unit_keys u join key_numbers k using (key_kind, key)
),
starts as (
  -- each distinct start per key, with the furthest reach of any unit starting at or before it
  select
    key_no, start_at,
    max(max_reach) over (partition by key_no order by start_at rows unbounded preceding) as reach_so_far
  from (select key_no, start_at, max(reach_at) as max_reach from numbered_units group by all)
),
nearest as (
  select i.incident_id, i.opened_at, k.key_no, s.start_at as latest_start, s.reach_so_far
  from incident_keys i
  join key_numbers k using (key_kind, key)
  asof join starts s on k.key_no = s.key_no and i.opened_at >= s.start_at
),
at_latest_start as (
  -- the units that started at that latest start and reach the incident; none: unit_id is null
  select n.*, u.unit_id, u.start_at
  from nearest n
  left join numbered_units u
    on u.key_no = n.key_no and u.start_at = n.latest_start and n.opened_at <= u.reach_at
),
by_range as (
  -- no unit at the latest start reaches it, but an earlier one might
  select n.incident_id, u.unit_id, u.start_at
  from at_latest_start n
  join numbered_units u on u.key_no = n.key_no
  where n.unit_id is null and n.reach_so_far >= n.opened_at
    and n.opened_at between u.start_at and u.reach_at
),
rejected as (
  select incident_id, unit_id from stg_link_reviews
  where unit_kind = p_unit_kind and verdict = 'rejected'
    and incident_id in (select incident_id from incidents)
),
after_rejection as (
  -- an incident with a rejected unit: every unit of its keys that reaches it, but the rejected
  select i.incident_id, u.unit_id, u.start_at
  from incident_keys i
  join key_numbers k using (key_kind, key)
  join numbered_units u on u.key_no = k.key_no and i.opened_at between u.start_at and u.reach_at
  anti join rejected r on r.incident_id = i.incident_id and r.unit_id = u.unit_id
  where i.incident_id in (select incident_id from rejected)
),
likely as (
  select incident_id, arg_max(unit_id, (start_at, unit_id)) as unit_id
  from (
    select incident_id, unit_id, start_at from at_latest_start
    where unit_id is not null and incident_id not in (select incident_id from rejected)
    union all
    select * from by_range where incident_id not in (select incident_id from rejected)
    union all
    select * from after_rejection
  )
  group by all
),
confirmed as (
  select record_id as incident_id, unit_id, rule
  from fct_confirmed_links where record_kind = 'incident' and unit_kind = p_unit_kind
    and (not p_refresh or record_id in (select incident_id from refresh_incidents))
    and record_id >= p_from and (p_to is null or record_id < p_to)
),
chosen as (
  select
    coalesce(c.incident_id, l.incident_id) as incident_id,
    coalesce(c.unit_id, l.unit_id) as unit_id,
    coalesce(c.rule, 'likely') as rule
  from confirmed c
  full join likely l using (incident_id)
),
kind_units as (
  select unit_id, end_at from fct_units where unit_kind = p_unit_kind
),
final as (
  select
    a.incident_id, a.unit_id, a.rule,
    i.source, i.opened_at, i.resolved_at, i.priority, i.service, i.ci, i.category, i.problem_id,
    u.end_at as golive_at
  from chosen a
  join incidents i using (incident_id)
  left join kind_units u using (unit_id)
)
select * from final;
