-- One row per ingest run, loaded or failed.
insert into ingest_runs values ($run, $file, $sha, $entity, $source, $read, $loaded, $rejected,
  $started::timestamptz, now(), $status, $error)
