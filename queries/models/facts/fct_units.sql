-- fct_units: one row per delivery unit of every kind (release, change, and
-- production deployment that is not itself a rollback), with its go-live window,
-- what its own records say about failure and rollback, and the facts that do
-- not depend on a KPI parameter (lead time, authorisation, freeze violation, slip,
-- the deployment window's duration and overrun against the planned one).
-- A production deployment belongs to its change, and to its own release_id or
-- else its change's release.
-- Materialized: table. Reads: stg_releases, stg_changes, stg_deployments, stg_freeze_windows, seconds_between.
-- Key: unit_kind, unit_id. Unique, checked by test/queries/keys.test.ts on the golden fixture and the sample.
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
  -- production deployments with the release they belong to, whether a rollback reverted them, and when it finished
  select
    d.*,
    coalesce(d.release_id, c.release_id) as owner_release_id,
    rb.reverted_at is not null as is_reverted,
    rb.reverted_at
  from deployments d
  left join changes c on c.change_id = d.change_id
  left join (
    select rolls_back_deployment_id, max(finished_at) as reverted_at
    from deployments
    where is_rollback_deployment and rolls_back_deployment_id is not null
    group by all
  ) rb on rb.rolls_back_deployment_id = d.deployment_id
  where d.environment = 'production'
),
deploy_rollups as (
  -- one roll-up per release and per change over the production deployments that belong to it
  select
    case when grouping(owner_release_id) = 0 then 'release' else 'change' end as owner_kind,
    coalesce(owner_release_id, change_id) as owner_id,
    bool_or(status in ('failed', 'rolled_back') or is_reverted) as any_failed,
    bool_or(status = 'rolled_back' or is_reverted) as any_rolled_back,
    max(reverted_at) as reverted_at
  from production
  group by grouping sets ((owner_release_id), (change_id))
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
    d.reverted_at as rollback_restored_at,
    r.source,
    r.rollback_tested, r.service_desk_notified_at, r.review_completed_at,
    -- a cancelled release leaves the backlog at the latest of its own timestamps
    case when r.status = 'cancelled' then greatest(r.requested_at, r.approved_at, r.planned_start, r.planned_end,
      r.actual_start, r.actual_end, r.service_desk_notified_at, r.review_completed_at) end as cancelled_at,
    -- the real deployment window's length; null when either end is missing
    seconds_between(r.actual_end, r.actual_start) / 60 as duration_minutes
  from releases r
  left join deploy_rollups d on d.owner_kind = 'release' and d.owner_id = r.release_id
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
    d.reverted_at,
    c.source,
    c.rollback_tested, c.service_desk_notified_at, c.review_completed_at,
    -- a cancelled change leaves the backlog at its closed_at, else at the latest of its own timestamps
    case when c.outcome = 'cancelled' then coalesce(c.closed_at, greatest(c.requested_at, c.approved_at,
      c.planned_start, c.planned_end, c.actual_start, c.actual_end, c.service_desk_notified_at,
      c.review_completed_at)) end,
    seconds_between(c.actual_end, c.actual_start) / 60
  from changes c
  left join releases r on r.release_id = c.release_id
  left join deploy_rollups d on d.owner_kind = 'change' and d.owner_id = c.change_id
),
deployment_units as (
  select
    'deployment', p.deployment_id, p.version, c.change_type,
    p.service, r.team, p.status, p.owner_release_id, p.change_id,
    p.strategy, null::timestamptz, null::timestamptz, null::timestamptz, null::timestamptz,
    coalesce(p.started_at, p.finished_at), p.finished_at,
    coalesce(p.status in ('succeeded', 'failed', 'rolled_back') and p.finished_at is not null, false),
    coalesce(p.status = 'cancelled', false),
    p.status in ('failed', 'rolled_back') or p.is_reverted,
    p.status = 'rolled_back' or p.is_reverted,
    p.reverted_at,
    p.source,
    null::boolean, null::timestamptz, null::timestamptz, null::timestamptz,
    seconds_between(p.finished_at, p.started_at) / 60
  from production p
  left join changes c on c.change_id = p.change_id
  left join releases r on r.release_id = p.owner_release_id
  where not p.is_rollback_deployment
),
units as (
  select * from release_units
  union all
  select * from change_units
  union all
  select * from deployment_units
),
freezes as (
  select u.unit_kind, u.unit_id, count(*)::integer as freeze_overlaps
  from units u
  join stg_freeze_windows f
    on f.kind = 'freeze' and (f.service is null or f.service = u.service)
    and u.start_at < f.ends_at and u.end_at > f.starts_at
  group by all
),
governance_sources as (
  -- a governance column is applicable to a unit when its source has sent at
  -- least one non-empty value of it for that entity; elsewhere it is not judged
  select 'release' as unit_kind, source,
    bool_or(approved_at is not null) as has_approval,
    bool_or(rollback_tested is not null) as has_rollback_test,
    bool_or(service_desk_notified_at is not null) as has_service_desk,
    bool_or(review_completed_at is not null) as has_review
  from releases group by all
  union all
  select 'change', source,
    bool_or(approved_at is not null), bool_or(rollback_tested is not null),
    bool_or(service_desk_notified_at is not null), bool_or(review_completed_at is not null)
  from changes group by all
),
final as (
  select
    u.*,
    case when u.unit_kind <> 'deployment' then seconds_between(u.end_at, u.requested_at) / 3600 end as lead_time_hours,
    case when g.has_approval then u.approved_at is null or u.approved_at > u.start_at end as is_unauthorized,
    -- policy checks: null = not applicable (deployments: none)
    case when g.has_approval then u.approved_at is not null and u.approved_at <= u.start_at end as chk_authorised_before_start,
    case when g.has_rollback_test then coalesce(u.rollback_tested, false) end as chk_rollback_tested,
    case when g.has_service_desk then u.service_desk_notified_at is not null and u.service_desk_notified_at <= u.start_at
      end as chk_service_desk_notified,
    case when u.unit_kind <> 'deployment' then coalesce(f.freeze_overlaps, 0) = 0 end as chk_outside_freeze,
    -- the review's deadline depends on the reporting time zone: judged by the KPI query
    coalesce(g.has_review, false) as review_applicable,
    u.unit_type = 'emergency' as is_emergency,
    coalesce(f.freeze_overlaps, 0) > 0 as is_freeze_violation,
    seconds_between(u.end_at, u.planned_end) / 60 as slip_minutes,
    -- the planned window's length, and how much longer the real one took (negative: shorter)
    seconds_between(u.planned_end, u.planned_start) / 60 as planned_minutes,
    u.duration_minutes - seconds_between(u.planned_end, u.planned_start) / 60 as overrun_minutes
  from units u
  left join freezes f using (unit_kind, unit_id)
  left join governance_sources g on g.unit_kind = u.unit_kind and g.source = u.source
)
select * from final order by unit_kind, end_at, unit_id;
