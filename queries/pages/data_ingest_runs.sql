-- data_ingest_runs: one row per ingest run, newest first.
-- Binds: nothing. Reads: ingest_runs, ingest_notes, seconds_between.
with runs as (
  select * from ingest_runs
),
notes as (
  select run_id, string_agg(note, '; ' order by note) as notes from ingest_notes group by all
),
final as (
  select r.run_id, r.file, r.entity, r.source, r.rows_read, r.rows_loaded, r.rows_rejected, r.status, r.error,
    r.started_at, r.finished_at, round(seconds_between(r.finished_at, r.started_at), 2) as seconds, r.sha256, n.notes
  from runs r
  left join notes n using (run_id)
)
select * from final order by run_id desc;
