-- kpi_problems: the problem view. One row per problem record that incidents
-- attributed to the period's units (fct_period_incidents) are linked to,
-- ranked by those incidents: how many, how many failure-making, how many
-- units and which (up to five, most incidents first), which CIs (up to five),
-- and how many of the problem's incidents opened in the period at all, so the
-- share that follows go-lives shows. Services, teams and types filter the
-- units; the problem's own incident count is not filtered.
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types, $limit.
-- Reads: fct_period_incidents, stg_incidents, local_instant.
with attributed as materialized (
  select *
  from fct_period_incidents($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to)
  where problem_id is not null
),
by_unit as (
  select problem_id, unit_id, count(*)::integer as incidents
  from attributed group by all
),
by_ci as (
  select problem_id, incident_ci as ci, count(*)::integer as incidents
  from attributed where incident_ci <> '' group by all
),
in_period as (
  select i.problem_id, count(*)::integer as problem_incidents
  from stg_incidents i
  where i.problem_id in (select problem_id from attributed)
    and i.opened_at >= local_instant($tz, $from) and i.opened_at < local_instant($tz, $to)
  group by all
),
unit_lists as (
  select problem_id, list({'id': unit_id, 'incidents': incidents} order by incidents desc, unit_id)[1:5] as top_units
  from by_unit group by all
),
ci_lists as (
  select problem_id, count(*)::integer as cis,
    list({'id': ci, 'incidents': incidents} order by incidents desc, ci)[1:5] as top_cis
  from by_ci group by all
),
final as (
  select
    a.problem_id,
    -- the source of the problem's record: that of its incidents (the first by name when they differ)
    min(a.source) as source,
    count(*)::integer as incidents,
    count(*) filter (where a.is_failure_making)::integer as failure_making,
    count(*) filter (where a.rule in ('confirmed', 'reviewed'))::integer as confirmed,
    count(distinct a.unit_id)::integer as units,
    coalesce(max(ip.problem_incidents), 0)::integer as problem_incidents,
    min(a.opened_ms) as first_opened_ms,
    max(a.opened_ms) as last_opened_ms
  from attributed a
  left join in_period ip using (problem_id)
  group by all
)
select f.*, u.top_units, coalesce(c.cis, 0)::integer as cis, coalesce(c.top_cis, []) as top_cis
from final f
join unit_lists u using (problem_id)
left join ci_lists c using (problem_id)
order by incidents desc, failure_making desc, problem_id
limit $limit;
