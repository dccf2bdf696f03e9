-- stg_releases: one row per release record (latest version per id).
-- Materialized: table. Reads: raw_releases. Binds: nothing.
-- Key: release_id. Unique, checked by test/queries/keys.test.ts on the golden fixture and the sample.
with source as (
  select * from raw_releases
),
final as (
  select
    release_id, source, title, version, release_type, original_release_type,
    status, original_status, service, team, owner,
    requested_at, approved_at, planned_start, planned_end, actual_start, actual_end,
    rollback_tested, service_desk_notified_at, review_completed_at
  from source
)
select * from final;
