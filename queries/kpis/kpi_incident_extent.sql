-- kpi_incident_extent: what the incident pattern charts count before they are
-- counted in detail: the attributed incidents of the period (fct_period_incidents,
-- the rows of kpi_incidents), how many were opened after the window (confirmed
-- links only), and the range of their hours from go-live clipped as the
-- histogram draws them, from which its bin edges are chosen (lib/histogram.ts).
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types, $hours_before, $clip_hours.
-- Reads: fct_period_incidents.
select
  count(*)::integer as incidents,
  count(*) filter (where p.hours_after_golive > $window_hours)::integer as after_window,
  min(greatest($hours_before, least($clip_hours, p.hours_after_golive))) as min_hours,
  max(greatest($hours_before, least($clip_hours, p.hours_after_golive))) as max_hours
from fct_period_incidents($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to) p;
