-- data_done_without_end: per entity and source, records whose status says they
-- went live (or finished) but that have no end time: they are never completed
-- units, so every KPI leaves them out. The Data page warns with what to map.
-- Binds: nothing. Reads: stg_releases, stg_changes, stg_deployments.
with missing as (
  select 'releases' as entity, source, count(*)::integer as records, 'actual_end' as "column"
  from stg_releases where status in ('deployed', 'failed', 'rolled_back') and actual_end is null group by all
  union all
  select 'changes', source, count(*)::integer, 'actual_end'
  from stg_changes where outcome in ('successful', 'successful_with_issues', 'failed', 'rolled_back')
    and actual_end is null group by all
  union all
  select 'deployments', source, count(*)::integer, 'finished_at'
  from stg_deployments where status in ('succeeded', 'failed', 'rolled_back') and finished_at is null group by all
),
final as (
  select * from missing where records > 0
)
select * from final order by entity, source;
