-- stg_deployments: one row per deployment record; `is_rollback_deployment` is
-- true for a deployment that reverts another one (flagged, or naming its target).
-- Materialized: table. Reads: raw_deployments. Binds: nothing.
-- Key: deployment_id. Unique, checked by test/queries/keys.test.ts on the golden fixture and the sample.
with source as (
  select * from raw_deployments
),
final as (
  select
    deployment_id, source, release_id, change_id, service, environment, original_environment,
    started_at, finished_at, status, original_status,
    coalesce(is_rollback, false) or rolls_back_deployment_id is not null as is_rollback_deployment,
    rolls_back_deployment_id, version, strategy, original_strategy
  from source
)
select * from final;
