-- kpi_backlog_series: the backlog (docs/kpis.md, release governance) at the
-- end of each bucket (week or month, local time in tz) of the period, and at
-- the period's end: count and overdue. The filters apply.
-- Binds: $unit, $tz, $from, $to, $bucket, $services, $teams, $types.
-- Reads: fct_units, dim_period, in_filter, in_backlog.
with bounds as (
  select timezone($tz, from_at) as from_local, timezone($tz, to_at) as to_local from dim_period($tz, $from, $to)
),
step as (
  select case when $bucket = 'week' then interval 7 days else interval 1 month end as size
),
ends as (
  select distinct t as bucket_end_local, timezone($tz, t) as at_instant
  from (
    select unnest(generate_series(date_trunc($bucket, b.from_local) + s.size, b.to_local, s.size)) as t
    from bounds b, step s
    union all
    select to_local from bounds
  )
),
units as (
  select unit_id, requested_at, planned_end, is_completed, end_at, cancelled_at
  from fct_units
  where unit_kind = $unit
    and in_filter($services, service) and in_filter($teams, team) and in_filter($types, unit_type)
),
final as (
  select
    strftime(e.bucket_end_local, '%Y-%m-%d') as bucket_end,
    count(u.unit_id)::integer as backlog,
    count(u.unit_id) filter (where u.planned_end < e.at_instant)::integer as overdue
  from ends e
  left join units u
    on in_backlog(u.requested_at, u.is_completed, u.end_at, u.cancelled_at, e.at_instant)
  group by all
)
select * from final order by bucket_end;
