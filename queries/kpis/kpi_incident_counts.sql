-- kpi_incident_counts: the period's attributed incidents counted by rule,
-- priority and whether they fall in the post-release window: the totals of
-- the incidents page for any of its filters.
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types.
-- Reads: fct_period_incidents.
select rule, priority, is_in_window, count(*)::integer as incidents
from fct_period_incidents($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to)
group by all
order by all;
