-- kpi_units_json: one page of the rows of kpi_units, each as the JSON
-- /api/units sends, in UTF-8 bytes (row_json: every column of fct_listed_units
-- in its order, instants as ISO text with milliseconds in UTC, as
-- JavaScript's toISOString writes them), beside the columns the excess
-- readings are computed from (queries/units.ts appends those to each row's
-- text), and total_rows, the count of every row of the period. The page is cut
-- before the JSON is written: a quarter of deployments is 13,000 rows and
-- 16 MB of it. A page past the end is one row with total_rows alone.
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types, $limit, $offset.
-- Reads: fct_listed_units, iso_text.
with listed as materialized (
  select *
  from fct_listed_units($unit, $window_hours, $failure_max_priority, $tz, $from, $to, $services, $teams, $types)
),
paged as materialized (
  select * from listed
  order by end_at desc nulls last, unit_id
  limit $limit offset $offset
),
as_text as (
  select p.* replace (
    iso_text(requested_at) as requested_at,
    iso_text(approved_at) as approved_at,
    iso_text(planned_start) as planned_start,
    iso_text(planned_end) as planned_end,
    iso_text(start_at) as start_at,
    iso_text(end_at) as end_at
  )
  from paged p
),
final as (
  select
    encode(to_json(t)::varchar) as row_json,
    l.unit_id, l.is_completed, l.post_release_incidents, l.background_incidents, l.expected_incidents,
    t.start_at, t.end_at,
    l.end_at as end_instant
  from as_text t
  join paged l on l.unit_id = t.unit_id
)
select f.* exclude (end_instant), c.total_rows
from (select count(*) as total_rows from listed) c
left join final f on true
order by f.end_instant desc nulls last, f.unit_id;
