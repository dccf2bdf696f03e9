-- A pulled batch's watermark, committed with its records (pull/).
insert into pull_runs values ($run, $source, $target, $watermark, $fetched, $full, now(), $session)
