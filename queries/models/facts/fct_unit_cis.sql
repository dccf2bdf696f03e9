-- fct_unit_cis: one row per (unit, configuration item): a change's CI, a
-- release's CIs (those of its changes), a deployment's CI (that of its change).
-- Materialized: table. Reads: fct_units, stg_changes, stg_change_cis.
-- Key: unit_kind, unit_id, ci. Unique, checked by test/queries/keys.test.ts on the golden fixture and the sample.
with units as (
  select unit_kind, unit_id, change_id from fct_units
),
changes as (
  select c.change_id, c.release_id, x.ci
  from stg_changes c join stg_change_cis x using (change_id)
),
release_cis as (
  select 'release' as unit_kind, release_id as unit_id, ci
  from changes where release_id is not null
),
change_and_deployment_cis as (
  select u.unit_kind, u.unit_id, c.ci
  from units u join changes c on c.change_id = u.change_id
  where u.unit_kind in ('change', 'deployment')
),
final as (
  select distinct * from (
    select * from release_cis
    union all
    select * from change_and_deployment_cis
  )
)
select * from final;
