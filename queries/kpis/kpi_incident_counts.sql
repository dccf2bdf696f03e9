-- kpi_incident_counts: the period's attributed incidents counted by rule,
-- priority and whether they fall in the post-release window: the totals of
-- the incidents page for any of its priority and rule filters, among the
-- incidents the record filters keep (fct_record_incidents).
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types, and the record filters of
--        fct_record_incidents: $incident_service, $incident_ci, $category,
--        $problem, $week, $hours_from, $hours_to, $risk, $weekday, $hour_band.
-- Reads: fct_record_incidents.
select rule, priority, is_in_window, count(*)::integer as incidents
from fct_record_incidents($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to,
  $incident_service, $incident_ci, $category, $problem, $week, $hours_from, $hours_to, $risk, $weekday, $hour_band)
group by all
order by all;
