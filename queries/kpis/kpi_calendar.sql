-- kpi_calendar: the release calendar's go-lives: one row per completed unit
-- that went live in the period (the completed rows of kpi_units, same order),
-- with only what the calendar draws: go-live as epoch milliseconds, and the
-- unit its window collides with on a shared service or CI (fct_collisions), if any.
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types.
-- Reads: fct_period_units.
select u.unit_id, u.service, epoch_ms(u.end_at)::double as end_ms, u.is_failed, u.is_freeze_violation,
  u.collides_with, u.collides_on
from fct_period_units($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to) u
order by u.end_at desc, u.unit_id;
