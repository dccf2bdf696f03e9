-- fct_unit_risk: one row per delivery unit of every kind with its change
-- risk: a release's is the highest of its changes' (low < medium < high <
-- critical), a change's its own, a deployment's its change's; 'unknown' when
-- there is none. Parameter-free: built once per data version, so the incident
-- pages do not group the changes again on every query.
-- Materialized: table. Reads: fct_units, stg_changes.
with units as (
  select unit_kind, unit_id, change_id from fct_units
),
release_risk as (
  select release_id,
    arg_max(risk, case risk when 'low' then 1 when 'medium' then 2 when 'high' then 3 when 'critical' then 4 end) as risk
  from stg_changes
  where release_id is not null
  group by all
),
final as (
  select
    u.unit_kind, u.unit_id,
    coalesce(case when u.unit_kind = 'release' then rr.risk else cr.risk end, 'unknown') as risk
  from units u
  left join release_risk rr on u.unit_kind = 'release' and rr.release_id = u.unit_id
  left join stg_changes cr on u.unit_kind <> 'release' and cr.change_id = u.change_id
)
select * from final order by unit_kind, unit_id;
