-- kpi_incident_charts: the incident pattern charts, counted. One row per cell,
-- bar or bin; `chart` names the chart and the columns it groups by are set:
--   service_week  service x week opened
--   by_ci, by_category  the Pareto charts (incident_ci, category; null and '' as they are)
--   golive        weekday x 3-hour band of the unit's go-live (reporting time zone)
--   type_risk     the unit's type x risk
--   hours         rule x histogram bin: bin i holds the clipped hours h with
--                 $edges[i + 1] <= h < $edges[i + 2] (the list is 1-based)
-- The same incidents as kpi_incident_extent, which the edges come from. The
-- bin is found from the uniform step and then checked against its edges, so a
-- rounding in the division cannot move an incident across an edge.
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types, $hours_before, $clip_hours, $edges.
-- Reads: fct_period_incidents.
with clipped as (
  select p.*, greatest($hours_before, least($clip_hours, p.hours_after_golive)) as hours
  from fct_period_incidents($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to) p
),
guessed as (
  select c.*,
    case when len($edges) = 1 then 0
         else least(greatest(floor((c.hours - $edges[1]) / ($edges[2] - $edges[1]))::integer, 0), len($edges) - 2)
    end as guess
  from clipped c
),
binned as (
  select g.*, g.golive_hour // 3 * 3 as hour_band,
    case when len($edges) = 1 then 0
         when g.hours < $edges[g.guess + 1] then g.guess - 1
         when g.hours >= $edges[g.guess + 2] then g.guess + 1
         else g.guess
    end::integer as bin
  from guessed g
)
select
  case
    when grouping(service) = 0 then 'service_week'
    when grouping(incident_ci) = 0 then 'by_ci'
    when grouping(category) = 0 then 'by_category'
    when grouping(golive_weekday) = 0 then 'golive'
    when grouping(unit_type) = 0 then 'type_risk'
    else 'hours'
  end as chart,
  service, opened_week, incident_ci, category, golive_weekday, hour_band, unit_type, risk, rule, bin,
  count(*)::integer as incidents
from binned
group by grouping sets (
  (service, opened_week), (incident_ci), (category), (golive_weekday, hour_band), (unit_type, risk), (rule, bin)
)
order by chart, opened_week, service, incident_ci, category, golive_weekday, hour_band, unit_type, risk, rule, bin;
