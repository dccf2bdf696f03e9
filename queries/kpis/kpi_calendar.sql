-- kpi_calendar: the release calendar's go-lives: one row per completed unit
-- that went live in the period (the completed rows of kpi_units, same order),
-- with only what the calendar draws. Go-live as epoch milliseconds.
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types.
-- Reads: fct_period_units.
select unit_id, service, epoch_ms(end_at)::double as end_ms, is_failed, is_freeze_violation
from fct_period_units($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to)
order by end_at desc, unit_id;
