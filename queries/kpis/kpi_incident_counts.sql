-- kpi_incident_counts: the period's attributed incidents counted by rule,
-- priority and whether they fall in the post-release window: the totals of
-- the incidents page for any of its priority and rule filters, among the
-- incidents of one service, CI, category and problem (null: any).
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types, $incident_service, $incident_ci,
--        $category, $problem.
-- Reads: fct_period_incidents.
select rule, priority, is_in_window, count(*)::integer as incidents
from fct_period_incidents($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to)
where ($incident_service is null or incident_service = $incident_service)
  and ($incident_ci is null or incident_ci = $incident_ci)
  and ($category is null or category = $category)
  and ($problem is null or problem_id = $problem)
group by all
order by all;
