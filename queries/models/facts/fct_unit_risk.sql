-- fct_unit_risk: one row per delivery unit of every kind with its change
-- risk: a release's is the highest of its changes' (low < medium < high <
-- critical), a change's its own, a deployment's its change's; 'unknown' when
-- there is none. Parameter-free: built once per data version, so the incident
-- pages do not group the changes again on every query.
-- Materialized: table. Reads: fct_units, stg_changes.
-- Key: unit_kind, unit_id. Unique, checked by test/queries/keys.test.ts on the golden fixture and the sample.
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
  -- one equi-join per kind (a condition on the unit kind inside a left join's
  -- ON made DuckDB compare every unit with every change: 25 s)
  select u.unit_kind, u.unit_id, coalesce(rr.risk, 'unknown') as risk
  from units u
  left join release_risk rr on rr.release_id = u.unit_id
  where u.unit_kind = 'release'
  union all
  select u.unit_kind, u.unit_id, coalesce(cr.risk, 'unknown')
  from units u
  left join stg_changes cr on cr.change_id = u.change_id
  where u.unit_kind <> 'release'
)
select * from final order by unit_kind, unit_id;
