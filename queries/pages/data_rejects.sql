-- data_rejects: one row per rejected value, newest run first, paged.
-- Binds: $limit, $offset. Reads: ingest_rejects, ingest_runs.
with rejects as (
  select * from ingest_rejects
),
final as (
  select r.run_id, r.file, r.line, r.record, r."column", r.value, r.reason, u.entity, u.source
  from rejects r left join ingest_runs u using (run_id)
)
select * from final order by run_id desc, line, "column" limit $limit offset $offset;
