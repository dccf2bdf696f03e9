-- int_unit_windows(unit_kind, window_hours, refresh): one row per unit of that kind (the
-- columns of fct_units, its change risk (fct_unit_risk) and the unit its go-live
-- window collides with (fct_collisions): facts of the unit that every window's
-- rows carry, so readers need not join them) with what its post-release window
-- W adds, for every failure severity at once:
--   post_release_incidents  attributed incidents opened in [start, end + W];
--   confirmed / likely      attributed incidents by rule (any time; confirmed counts reviewed);
--   min_priority            the most severe attributed incident (failed when
--                           min_priority <= failure_max_priority);
--   restored_p1..p4         latest resolved_at of attributed incidents of
--                           priority <= 1..4 (the restore time per severity);
--   background_incidents,   the service's incidents attributed to no unit in
--   expected_incidents      the 28 days before start, and what that rate
--                           predicts for [start, end + W] (an ASOF join on
--                           per-service running counts at both ends, not a range join; the
--                           counts include every incident at the same instant,
--                           so a tie cannot drop one).
-- With p_refresh, only the units in refresh_units (the background incidents
-- are read only for their services and weeks).
-- The computation behind fct_unit_windows.
-- Grain: one row per unit of the kind (unit_id). Key held by
-- test/queries/keys.test.ts on mat_unit_windows, filled from it.
-- Materialized: macro. Reads: fct_units, fct_unit_risk, fct_collisions, fct_attribution, stg_incidents, window_reach, refresh_units, seconds_between.
create or replace macro int_unit_windows(p_unit_kind, p_window_hours, p_refresh) as table
with units as (
  select f.*, r.risk, c.collides_with, c.collides_on
  from fct_units f
  left join fct_unit_risk r on r.unit_kind = f.unit_kind and r.unit_id = f.unit_id
  left join fct_collisions c on c.unit_kind = f.unit_kind and c.unit_id = f.unit_id
  where f.unit_kind = p_unit_kind
    and (not p_refresh or f.unit_id in (select unit_id from refresh_units where unit_kind = p_unit_kind))
),
attribution as (
  select * from fct_attribution(p_unit_kind, p_window_hours)
),
attributed as (
  select
    a.unit_id, a.rule, a.priority, a.resolved_at,
    a.opened_at between u.start_at and window_reach(u.end_at, p_window_hours) as is_in_window
  from attribution a
  join units u using (unit_id)
),
incident_counts as (
  select
    unit_id,
    count(*) filter (where is_in_window)::integer as post_release_incidents,
    count(*) filter (where rule in ('confirmed', 'reviewed'))::integer as confirmed_incidents,
    count(*) filter (where rule = 'likely')::integer as likely_incidents,
    min(priority) as min_priority,
    max(resolved_at) filter (where priority <= 1) as restored_p1,
    max(resolved_at) filter (where priority <= 2) as restored_p2,
    max(resolved_at) filter (where priority <= 3) as restored_p3,
    max(resolved_at) filter (where priority <= 4) as restored_p4
  from attributed
  group by all
),
baseline_units as (
  select unit_id, service, start_at, end_at
  from units
  where is_completed and service is not null
),
baseline_reach as (
  -- per service, the weeks the baselines look at
  select service, min(start_at) - interval 28 day as from_at, max(start_at) as to_at
  from baseline_units
  group by service
),
background as (
  -- only those services and weeks: the difference of two running counts is
  -- the same whatever came before
  select i.service, i.opened_at,
    count(*) over (partition by i.service order by i.opened_at) as running_count
  from stg_incidents i
  join baseline_reach r on r.service = i.service and i.opened_at >= r.from_at and i.opened_at < r.to_at
  anti join attribution a using (incident_id)
),
probes as (
  -- the two instants each baseline looks up: its start, and 28 days before it
  select unit_id, service, start_at as probe_at, true as is_start from baseline_units
  union all
  select unit_id, service, start_at - interval 28 day, false from baseline_units
),
counted as (
  -- one ASOF join for both (two sorted the background twice)
  select p.unit_id, p.is_start, coalesce(b.running_count, 0) as running_count
  from probes p
  asof left join background b on p.service = b.service and p.probe_at > b.opened_at
),
baseline as (
  select
    u.unit_id,
    (s.running_count - e.running_count)::integer as background_incidents,
    (s.running_count - e.running_count) / (28 * 24.0)
      * (seconds_between(u.end_at, u.start_at) / 3600 + p_window_hours) as expected_incidents
  from baseline_units u
  join counted s on s.unit_id = u.unit_id and s.is_start
  join counted e on e.unit_id = u.unit_id and not e.is_start
),
final as (
  select
    u.*,
    p_window_hours::double as window_hours,
    coalesce(i.post_release_incidents, 0) as post_release_incidents,
    coalesce(i.confirmed_incidents, 0) as confirmed_incidents,
    coalesce(i.likely_incidents, 0) as likely_incidents,
    i.min_priority, i.restored_p1, i.restored_p2, i.restored_p3, i.restored_p4,
    b.background_incidents, b.expected_incidents
  from units u
  left join incident_counts i using (unit_id)
  left join baseline b using (unit_id)
)
select * from final order by end_at, unit_id;
