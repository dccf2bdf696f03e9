-- kpi_excess_family: the completed units of the period with what the excess
-- reading needs (queries/excess.ts): the family the false-discovery control
-- runs over, whatever page of the releases table is shown. The expectation is
-- rounded as the table shows it (fct_unit_rows), so both give the same p.
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types.
-- Reads: fct_period_units.
select unit_id, is_completed, post_release_incidents, background_incidents,
  round(expected_incidents, 4) as expected_incidents, start_at, end_at
from fct_period_units($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to)
where expected_incidents is not null
