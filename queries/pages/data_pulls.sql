-- data_pulls: each pulled source and target (pull/): where the next pull
-- starts (the newest watermark), its batches, the records they fetched and
-- rejected, and what the newest whole re-read found gone upstream.
-- Binds: nothing. Reads: pull_runs, ingest_runs, pull_gone.
with batches as (
  select p.source, p.target, p.watermark, p.pulled_at, p.fetched, coalesce(i.rows_rejected, 0) as rejected
  from pull_runs p
  left join ingest_runs i using (run_id)
),
gone as (
  select source, target, count(*)::integer as gone from pull_gone group by all
),
final as (
  select b.source, b.target, max(b.watermark) as watermark, max(b.pulled_at) as last_batch_at,
    count(*)::integer as batches, sum(b.fetched)::integer as fetched, sum(b.rejected)::integer as rejected,
    coalesce(any_value(g.gone), 0)::integer as gone
  from batches b
  left join gone g using (source, target)
  group by b.source, b.target
)
select * from final order by source, target;
