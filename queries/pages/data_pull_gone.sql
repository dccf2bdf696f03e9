-- data_pull_gone: records a whole re-read did not find upstream any more (kept, never deleted), newest first.
-- Binds: $limit. Reads: pull_gone.
select source, target, entity, id, noticed_at from pull_gone order by noticed_at desc, source, target, id limit $limit;
