-- upcoming_units: one row per release or change scheduled to start in
-- [$from_at::timestamptz, $to_at::timestamptz) that is neither done nor cancelled, with what a change
-- advisory board weighs: its planned window, risk and type, the policy checks
-- its source can answer (has_*: the source sends that column at all), the
-- other open units of its kind on the same service or CI whose planned windows
-- overlap its own (changes of the same release excepted), and the freeze and
-- maintenance windows it touches.
-- Binds: $from_at, $to_at, $services, $teams, $types.
-- Reads: fct_units, fct_unit_cis, fct_unit_risk, stg_changes, stg_freeze_windows, in_filter, seconds_between.
with kinds as (
  select * from fct_units where unit_kind in ('release', 'change')
),
sources as (
  -- a check is judged only for sources that send its column at all
  select unit_kind, source,
    bool_or(approved_at is not null) as has_approval,
    bool_or(rollback_tested is not null) as has_rollback_test,
    bool_or(service_desk_notified_at is not null) as has_service_desk,
    bool_or(planned_start is not null and planned_end is not null) as has_planned_window
  from kinds group by all
),
open_units as (
  -- every open unit whose planned window reaches the agenda (a collision may start before it)
  select unit_kind, unit_id, service, release_id, planned_start, planned_end
  from kinds
  where not is_completed and not is_cancelled and planned_start is not null and planned_end is not null
    and planned_start < $to_at::timestamptz + interval 7 day and planned_end > $from_at::timestamptz - interval 7 day
),
scheduled as (
  select u.*
  from kinds u
  where not u.is_completed and not u.is_cancelled
    and u.planned_start >= $from_at::timestamptz and u.planned_start < $to_at::timestamptz
    and in_filter($services, u.service) and in_filter($teams, u.team) and in_filter($types, u.unit_type)
),
unit_keys as (
  select unit_kind, unit_id, 'service' as key_kind, service as key from open_units where service is not null
  union all
  select o.unit_kind, o.unit_id, 'CI', c.ci from open_units o join fct_unit_cis c using (unit_kind, unit_id)
),
colliding as (
  -- each pair once, with every key the two share
  select a.unit_kind, a.unit_id, b.unit_id as other_id, b.planned_start, b.planned_end,
    string_agg(distinct ka.key_kind || ' ' || ka.key, ', ' order by ka.key_kind || ' ' || ka.key) as shared
  from scheduled a
  join unit_keys ka on ka.unit_kind = a.unit_kind and ka.unit_id = a.unit_id
  join unit_keys kb on kb.unit_kind = ka.unit_kind and kb.key_kind = ka.key_kind and kb.key = ka.key and kb.unit_id <> ka.unit_id
  join open_units b on b.unit_kind = kb.unit_kind and b.unit_id = kb.unit_id
  where b.planned_start < a.planned_end and a.planned_start < b.planned_end
    and not (a.unit_kind = 'change' and a.release_id is not null and a.release_id = b.release_id)
  group by all
),
collisions as (
  select unit_kind, unit_id,
    list(struct_pack(id := other_id, starts := planned_start, ends := planned_end, shared := shared)
      order by planned_start, other_id) as collisions
  from colliding
  group by all
),
windows as (
  select s.unit_kind, s.unit_id,
    list(struct_pack(id := f.window_id, name := f.name, starts := f.starts_at, ends := f.ends_at) order by f.starts_at)
      filter (where f.kind = 'freeze') as freezes,
    bool_or(f.kind = 'maintenance' and f.starts_at <= s.planned_start and s.planned_end <= f.ends_at) as in_maintenance
  from scheduled s
  join stg_freeze_windows f
    on (f.service is null or f.service = s.service) and s.planned_start < f.ends_at and s.planned_end > f.starts_at
  group by all
),
cis as (
  select unit_kind, unit_id, list(ci order by ci) as cis from fct_unit_cis semi join scheduled using (unit_kind, unit_id)
  group by all
)
select
  s.unit_kind, s.unit_id, s.title, s.unit_type, s.service, s.team, s.record_status, s.release_id, s.source,
  s.planned_start, s.planned_end,
  seconds_between(s.planned_end, s.planned_start) / 60 as planned_minutes,
  s.approved_at, s.rollback_tested, s.service_desk_notified_at,
  r.risk, c.cab_required,
  coalesce(g.has_approval, false) as has_approval,
  coalesce(g.has_rollback_test, false) as has_rollback_test,
  coalesce(g.has_service_desk, false) as has_service_desk,
  coalesce(x.cis, []) as cis,
  coalesce(k.collisions, []) as collisions,
  coalesce(w.freezes, []) as freezes,
  coalesce(w.in_maintenance, false) as in_maintenance
from scheduled s
left join sources g on g.unit_kind = s.unit_kind and g.source = s.source
left join fct_unit_risk r on r.unit_kind = s.unit_kind and r.unit_id = s.unit_id
left join stg_changes c on s.unit_kind = 'change' and c.change_id = s.unit_id
left join cis x on x.unit_kind = s.unit_kind and x.unit_id = s.unit_id
left join collisions k on k.unit_kind = s.unit_kind and k.unit_id = s.unit_id
left join windows w on w.unit_kind = s.unit_kind and w.unit_id = s.unit_id
order by s.planned_start, s.unit_kind desc, s.unit_id;
