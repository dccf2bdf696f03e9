-- The last batch of a whole re-read of a pull target (pull/, --full): every
-- batch of the re-read upserted the records it fetched under its own run, so
-- the target's records still under an earlier run were not fetched: they are
-- gone upstream (deleted, or no longer matched by the table's query). They
-- are kept and listed, never deleted; each whole re-read replaces the
-- target's list. This batch's own pull_runs row is written after this.
delete from pull_gone where source = $source and target = $target;
insert into pull_gone
select $source, $target, $entity, r.{id}, $run, now()
from {raw} r
where r.source = $source
  and r.ingest_run_id in (select run_id from pull_runs where source = $source and target = $target)
  and r.ingest_run_id not in (select run_id from pull_runs where session = $session);
