-- fct_units: one row per delivery unit of every kind (release, change, and
-- production deployment that is not itself a rollback), with its go-live window
-- and what its own records say about failure and rollback.
-- Reads: stg_releases, stg_changes, stg_deployments. Binds: nothing.
create or replace view fct_units as
with releases as (
  select * from stg_releases
),
changes as (
  select * from stg_changes
),
deployments as (
  select * from stg_deployments
),
production as (
  -- production deployments with whether a rollback reverted them, and when it finished
  select
    d.*,
    rb.reverted_at is not null as is_reverted,
    rb.reverted_at
  from deployments d
  left join (
    select rolls_back_deployment_id, max(finished_at) as reverted_at
    from deployments
    where is_rollback_deployment and rolls_back_deployment_id is not null
    group by all
  ) rb on rb.rolls_back_deployment_id = d.deployment_id
  where d.environment = 'production'
),
deploys_by_release as (
  select
    release_id,
    bool_or(status in ('failed', 'rolled_back') or is_reverted) as any_failed,
    bool_or(status = 'rolled_back' or is_reverted) as any_rolled_back,
    max(reverted_at) as reverted_at
  from production where release_id is not null
  group by all
),
deploys_by_change as (
  select
    change_id,
    bool_or(status in ('failed', 'rolled_back') or is_reverted) as any_failed,
    bool_or(status = 'rolled_back' or is_reverted) as any_rolled_back,
    max(reverted_at) as reverted_at
  from production where change_id is not null
  group by all
),
release_units as (
  select
    'release' as unit_kind, r.release_id as unit_id, r.title, r.release_type as unit_type,
    r.service, r.team, r.status as record_status, r.release_id, null::varchar as change_id,
    null::varchar as strategy, r.requested_at, r.approved_at, r.planned_start, r.planned_end,
    coalesce(r.actual_start, r.actual_end) as start_at, r.actual_end as end_at,
    coalesce(r.status in ('deployed', 'failed', 'rolled_back') and r.actual_end is not null, false) as is_completed,
    coalesce(r.status = 'cancelled', false) as is_cancelled,
    r.status in ('failed', 'rolled_back') or coalesce(d.any_failed, false) as own_failed,
    r.status = 'rolled_back' or coalesce(d.any_rolled_back, false) as own_rolled_back,
    d.reverted_at as rollback_restored_at
  from releases r
  left join deploys_by_release d using (release_id)
),
change_units as (
  select
    'change', c.change_id, null::varchar, c.change_type,
    coalesce(c.service, r.service), r.team, c.outcome, c.release_id, c.change_id,
    null::varchar, c.requested_at, c.approved_at, c.planned_start, c.planned_end,
    coalesce(c.actual_start, c.actual_end), c.actual_end,
    coalesce(c.outcome in ('successful', 'successful_with_issues', 'failed', 'rolled_back') and c.actual_end is not null, false),
    coalesce(c.outcome = 'cancelled', false),
    coalesce(c.outcome in ('failed', 'rolled_back'), false) or coalesce(d.any_failed, false),
    coalesce(c.outcome = 'rolled_back', false) or coalesce(d.any_rolled_back, false),
    d.reverted_at
  from changes c
  left join releases r on r.release_id = c.release_id
  left join deploys_by_change d on d.change_id = c.change_id
),
deployment_units as (
  select
    'deployment', p.deployment_id, p.version, c.change_type,
    p.service, r.team, p.status, coalesce(p.release_id, c.release_id), p.change_id,
    p.strategy, null::timestamptz, null::timestamptz, null::timestamptz, null::timestamptz,
    coalesce(p.started_at, p.finished_at), p.finished_at,
    coalesce(p.status in ('succeeded', 'failed', 'rolled_back') and p.finished_at is not null, false),
    coalesce(p.status = 'cancelled', false),
    p.status in ('failed', 'rolled_back') or p.is_reverted,
    p.status = 'rolled_back' or p.is_reverted,
    p.reverted_at
  from production p
  left join changes c on c.change_id = p.change_id
  left join releases r on r.release_id = coalesce(p.release_id, c.release_id)
  where not p.is_rollback_deployment
),
final as (
  select * from release_units
  union all
  select * from change_units
  union all
  select * from deployment_units
)
select * from final;
