-- data_quality: one row of data-quality counts the Data page warns about.
-- Binds: nothing. Reads: stg_* views, ingest_rejects.
with warnings as (
  select
    (select count(*) from stg_incidents where service is null and ci is null)::integer as incidents_without_service_or_ci,
    (select count(*) from stg_incidents)::integer as incidents,
    (select count(*) from stg_releases where requested_at > actual_end)::integer as releases_requested_after_golive,
    (select count(*) from stg_changes where requested_at > actual_end)::integer as changes_requested_after_golive,
    (select count(*) from stg_deployments d where d.environment = 'production' and d.release_id is null and d.change_id is null)::integer as deployments_without_release_or_change,
    (select count(*) from stg_incidents i where i.caused_by_change_id is not null
      and not exists (select 1 from stg_changes c where c.change_id = i.caused_by_change_id))::integer as links_to_unknown_changes,
    (select count(*) from stg_incidents i where i.caused_by_release_id is not null
      and not exists (select 1 from stg_releases r where r.release_id = i.caused_by_release_id))::integer as links_to_unknown_releases,
    (select count(*) from ingest_rejects)::integer as rejects
),
final as (
  select * from warnings
)
select * from final;
