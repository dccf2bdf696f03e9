-- kpi_incidents: every incident attributed to a unit that went live in the
-- period (fct_period_incidents), newest first: the incident pattern charts and
-- the incidents download.
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types.
-- Reads: fct_period_incidents.
select *
from fct_period_incidents($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to)
order by opened_ms desc, incident_id;
