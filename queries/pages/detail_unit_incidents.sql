-- detail_unit_incidents: incidents near one unit: those attributed to it (at any
-- time), and those of its service or CIs opened from one window before its
-- start to two windows after its end, with how each was (or was not) attributed.
-- review: a person's verdict on the incident's link to this unit (or null),
-- with who gave it and why.
-- Binds: $unit, $unit_id, $window_hours. Reads: fct_units, fct_unit_cis,
-- fct_attribution, stg_incidents, stg_link_reviews, seconds_between.
with unit as (
  select * from fct_units where unit_kind = $unit and unit_id = $unit_id
),
cis as (
  select ci from fct_unit_cis where unit_kind = $unit and unit_id = $unit_id
),
attributed as (
  select incident_id, unit_id, rule from fct_attribution($unit, $window_hours)
),
nearby as (
  select i.*
  from stg_incidents i, unit u
  where (i.service = u.service or i.ci in (select ci from cis))
    and i.opened_at between window_reach(u.start_at, -$window_hours) and window_reach(u.end_at, 2 * $window_hours)
  union
  select i.* from stg_incidents i join attributed a using (incident_id) where a.unit_id = $unit_id
),
final as (
  select
    n.incident_id, n.source, n.opened_at, n.resolved_at, n.priority, n.service, n.ci, n.category, n.title, n.problem_id,
    n.caused_by_change_id, n.caused_by_release_id,
    case when a.unit_id = $unit_id then a.rule when a.unit_id is not null then 'other unit' else 'not attributed' end as attribution,
    case when a.unit_id <> $unit_id then a.unit_id end as attributed_to,
    round(seconds_between(n.opened_at, u.end_at) / 3600, 2) as hours_after_golive,
    r.verdict as review, r.reviewed_by, r.reason as review_reason
  from nearby n
  cross join unit u
  left join attributed a using (incident_id)
  left join stg_link_reviews r on r.incident_id = n.incident_id and r.unit_kind = $unit and r.unit_id = $unit_id
)
select * from final order by opened_at;
