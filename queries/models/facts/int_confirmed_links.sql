-- int_confirmed_links(refresh): one row per (record, unit kind) for incidents with an
-- explicit "caused by" link, and survey responses (whose release_id and
-- change_id link them the same way), to a completed unit of that kind. When
-- the links name several units, the one with the latest start wins (ties:
-- greatest id). A record is (record_kind, record_id).
--   release:    caused_by_release_id, or the release of caused_by_change_id
--   change:     caused_by_change_id; a release-only link goes to that release's
--               completed change with the latest start
--   deployment: the latest completed production deployment of the linked
--               change; if none, or release-only, the latest one of the release
-- Reviews (stg_link_reviews, docs/kpis.md "Incident attribution" item 4) come
-- first: a rejected unit is no candidate of its kind, and a confirmed review is
-- an explicit link to its (completed) unit that wins over the others of its
-- kind; rule says which: reviewed or confirmed.
-- With p_refresh, only the incidents in refresh_incidents (and no survey).
-- The computation behind the fct_confirmed_links table.
-- Grain: one row per (record_id, unit_kind): one winning explicit or reviewed
-- link. Held by test/queries/reviews.test.ts and test/queries/rules.test.ts.
-- Materialized: macro. Reads: stg_incidents, stg_surveys, stg_changes, fct_units, stg_link_reviews, refresh_incidents.
create or replace macro int_confirmed_links(p_refresh) as table
with records as (
  select 'incident' as record_kind, incident_id as record_id, caused_by_change_id, caused_by_release_id
  from stg_incidents
  where (caused_by_change_id is not null or caused_by_release_id is not null)
    and (not p_refresh or incident_id in (select incident_id from refresh_incidents))
  union all
  select 'survey', response_id, change_id, release_id
  from stg_surveys
  where not p_refresh
),
changes as (
  select change_id, release_id from stg_changes
),
completed as (
  select unit_kind, unit_id, release_id, change_id, start_at
  from fct_units where is_completed
),
linked_releases as (
  -- the releases a record names: its own link, and the release of its linked change
  select record_kind, record_id, caused_by_release_id as release_id from records where caused_by_release_id is not null
  union all
  select i.record_kind, i.record_id, c.release_id
  from records i join changes c on c.change_id = i.caused_by_change_id
  where c.release_id is not null
),
release_candidates as (
  select l.record_kind, l.record_id, 'release' as unit_kind, u.unit_id, u.start_at
  from linked_releases l
  join completed u on u.unit_kind = 'release' and u.unit_id = l.release_id
),
change_candidates as (
  select i.record_kind, i.record_id, 'change' as unit_kind, u.unit_id, u.start_at
  from records i
  join completed u on u.unit_kind = 'change' and u.unit_id = i.caused_by_change_id
  union all
  select i.record_kind, i.record_id, 'change', u.unit_id, u.start_at
  from records i
  join completed u on u.unit_kind = 'change' and u.release_id = i.caused_by_release_id
  where i.caused_by_change_id is null
),
deployment_by_change as (
  select i.record_kind, i.record_id, u.unit_id, u.start_at
  from records i
  join completed u on u.unit_kind = 'deployment' and u.change_id = i.caused_by_change_id
),
deployment_by_release as (
  select i.record_kind, i.record_id, u.unit_id, u.start_at
  from records i
  left join changes c on c.change_id = i.caused_by_change_id
  join completed u on u.unit_kind = 'deployment'
    and u.release_id = coalesce(i.caused_by_release_id, c.release_id)
  anti join deployment_by_change d on d.record_kind = i.record_kind and d.record_id = i.record_id
),
deployment_candidates as (
  select record_kind, record_id, 'deployment' as unit_kind, unit_id, start_at from deployment_by_change
  union all
  select record_kind, record_id, 'deployment', unit_id, start_at from deployment_by_release
),
reviews as (
  select 'incident' as record_kind, incident_id as record_id, unit_kind, unit_id, verdict
  from stg_link_reviews
  where not p_refresh or incident_id in (select incident_id from refresh_incidents)
),
linked as (
  select *, false as is_reviewed from release_candidates
  union all
  select *, false from change_candidates
  union all
  select *, false from deployment_candidates
),
candidates as (
  select l.*
  from linked l
  anti join reviews r
    on r.verdict = 'rejected' and r.record_kind = l.record_kind and r.record_id = l.record_id
    and r.unit_kind = l.unit_kind and r.unit_id = l.unit_id
  union all
  select r.record_kind, r.record_id, r.unit_kind, u.unit_id, u.start_at, true
  from reviews r
  join completed u using (unit_kind, unit_id)
  where r.verdict = 'confirmed'
),
final as (
  select
    record_kind, record_id, unit_kind, arg_max(unit_id, (is_reviewed, start_at, unit_id)) as unit_id,
    case when bool_or(is_reviewed) then 'reviewed' else 'confirmed' end as rule
  from candidates
  group by all
)
select * from final;
