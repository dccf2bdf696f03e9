-- kpi_units_json: the rows of kpi_units, each as the JSON /api/units sends, in
-- UTF-8 bytes (row_json: every column of fct_listed_units in its order, instants as ISO
-- text with milliseconds in UTC, as JavaScript's toISOString writes them),
-- beside the columns the excess readings are computed from (queries/units.ts
-- appends those to each row's text). DuckDB writes the text on every core; the
-- same rows as JavaScript objects cost the server's one thread most of a first
-- request (docs/performance.md).
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types.
-- Reads: fct_listed_units, iso_text.
with listed as materialized (
  select *
  from fct_listed_units($unit, $window_hours, $failure_max_priority, $tz, $from, $to, $services, $teams, $types)
),
as_text as (
  select l.* replace (
    iso_text(requested_at) as requested_at,
    iso_text(approved_at) as approved_at,
    iso_text(planned_start) as planned_start,
    iso_text(planned_end) as planned_end,
    iso_text(start_at) as start_at,
    iso_text(end_at) as end_at
  )
  from listed l
),
final as (
  select
    encode(to_json(t)::varchar) as row_json,
    l.unit_id, l.is_completed, l.post_release_incidents, l.background_incidents, l.expected_incidents,
    t.start_at, t.end_at,
    l.end_at as end_instant
  from as_text t
  join listed l on l.unit_id = t.unit_id
)
select * exclude (end_instant) from final
order by end_instant desc nulls last, unit_id;
