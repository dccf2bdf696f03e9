-- kpi_incident_points: the columns the incident pattern charts draw, one row
-- per incident attributed to a unit that went live in the period, newest first
-- (fct_period_incidents; the same rows as kpi_incidents). No title and no
-- incident id: the charts count, so their tens of thousands of rows travel as
-- a few repeated values each (queries/arrow.ts).
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types.
-- Reads: fct_period_incidents.
select
  p.rule, p.category, p.incident_ci, p.service, p.unit_type, p.risk, p.opened_week,
  p.hours_after_golive, p.golive_weekday, p.golive_hour
from fct_period_incidents($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to) p
order by p.opened_ms desc, p.incident_id;
