-- data_counts: one row per entity and source: records and the newest record time.
-- Binds: nothing. Reads: stg_* tables.
with counts as (
  select 'releases' as entity, source, count(*)::integer as records, max(coalesce(actual_end, requested_at)) as newest_at from stg_releases group by all
  union all
  select 'changes', source, count(*)::integer, max(coalesce(actual_end, requested_at)) from stg_changes group by all
  union all
  select 'deployments', source, count(*)::integer, max(finished_at) from stg_deployments group by all
  union all
  select 'incidents', source, count(*)::integer, max(opened_at) from stg_incidents group by all
  union all
  select 'freeze_windows', source, count(*)::integer, max(ends_at) from stg_freeze_windows group by all
  union all
  select 'surveys', source, count(*)::integer, max(responded_at) from stg_surveys group by all
),
final as (
  select * from counts
)
select * from final order by entity, source;
