-- kpi_units: the rows of the releases table (fct_listed_units), newest go-live
-- first: /api/units, the downloads, and views the page cannot filter in SQL.
-- Local go-live weekday and hour are in the reporting time zone.
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types.
-- Reads: fct_listed_units.
select *
from fct_listed_units($unit, $window_hours, $failure_max_priority, $tz, $from, $to, $services, $teams, $types)
order by end_at desc nulls last, unit_id;
