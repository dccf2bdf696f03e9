-- fct_unit_baseline(unit_kind, window_hours): one row per completed unit with
-- a service: how many background incidents its service had in the 28 days
-- before the unit started (incidents not attributed to any unit), and how many
-- incidents that rate predicts for the unit's window [start, end + window].
-- Counts come from two ASOF joins on per-service running numbers, not a range join.
-- Reads: fct_units, fct_attribution, stg_incidents.
create or replace macro fct_unit_baseline(p_unit_kind, p_window_hours) as table
with units as (
  select unit_id, service, start_at, end_at
  from fct_units
  where unit_kind = p_unit_kind and is_completed and service is not null
),
attributed as (
  select incident_id from fct_attribution(p_unit_kind, p_window_hours)
),
background as (
  select i.service, i.opened_at,
    row_number() over (partition by i.service order by i.opened_at) as running_count
  from stg_incidents i
  anti join attributed a using (incident_id)
  where i.service is not null
),
before_start as (
  select u.unit_id, coalesce(b.running_count, 0) as running_count
  from units u
  asof left join background b on u.service = b.service and u.start_at > b.opened_at
),
before_baseline as (
  select u.unit_id, coalesce(b.running_count, 0) as running_count
  from units u
  asof left join background b on u.service = b.service and u.start_at - interval 28 day > b.opened_at
),
final as (
  select
    u.unit_id,
    (s.running_count - e.running_count)::integer as background_incidents,
    (s.running_count - e.running_count) / (28 * 24.0)
      * (epoch(u.end_at - u.start_at) / 3600 + p_window_hours) as expected_incidents
  from units u
  join before_start s using (unit_id)
  join before_baseline e using (unit_id)
)
select * from final;
