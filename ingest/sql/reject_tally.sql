-- A dry run's rejects by column and reason, the value taken out of the reason.
select coalesce("column", '') as "column",
  regexp_replace(regexp_replace(reason, '^''[^'']*'' ', ''), ', got .*$', '') as reason,
  count(*)::integer as n
from ingest_rejects where run_id = $run
group by all order by n desc, "column", reason limit 100
