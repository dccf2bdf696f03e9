-- data_ingest_runs: one row per ingest run, newest first.
-- Binds: nothing. Reads: ingest_runs.
with runs as (
  select * from ingest_runs
),
final as (
  select run_id, file, entity, source, rows_read, rows_loaded, rows_rejected, status, error,
    started_at, finished_at, round(epoch(finished_at - started_at), 2) as seconds, sha256
  from runs
)
select * from final order by run_id desc;
