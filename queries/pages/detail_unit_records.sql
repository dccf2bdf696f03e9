-- detail_unit_records: the changes and deployments that belong to one unit
-- (a release's changes and deployments; a change's deployments; a deployment
-- itself and any rollback of it), one row each, with a `record` kind column.
-- Binds: $unit, $unit_id. Reads: stg_changes, stg_deployments, fct_units.
with unit as (
  select * from fct_units where unit_kind = $unit and unit_id = $unit_id
),
changes as (
  select c.* from stg_changes c, unit u
  where (u.unit_kind = 'release' and c.release_id = u.unit_id) or c.change_id = u.change_id
),
deployments as (
  select d.* from stg_deployments d, unit u
  -- a release's deployments: its own release_id, else its change's (kpis.md)
  where (u.unit_kind = 'release' and (d.release_id = u.unit_id
         or (d.release_id is null and d.change_id in (select change_id from changes))))
     or (u.unit_kind = 'change' and d.change_id = u.unit_id)
     or (u.unit_kind = 'deployment' and (d.deployment_id = u.unit_id or d.rolls_back_deployment_id = u.unit_id))
),
final as (
  select 'change' as record, source, change_id as id, change_type as kind, risk, ci, null::varchar as environment,
    coalesce(actual_start, planned_start) as started_at, actual_end as finished_at, outcome as status,
    null::boolean as is_rollback, null::varchar as reverts, null::varchar as strategy
  from changes
  union all
  select 'deployment', source, deployment_id, change_id, null, null, environment,
    started_at, finished_at, status, is_rollback_deployment, rolls_back_deployment_id, strategy
  from deployments
)
select * from final order by record, started_at nulls last, id;
