-- stg_changes: one row per change record.
-- Materialized: table. Reads: raw_changes. Binds: nothing.
-- Key: change_id. Unique, checked by test/queries/keys.test.ts on the golden fixture and the sample.
with source as (
  select * from raw_changes
),
final as (
  select
    change_id, source, release_id, change_type, original_change_type, risk, original_risk,
    service, ci, requested_at, approved_at, cab_required,
    planned_start, planned_end, actual_start, actual_end, outcome, original_outcome, closed_at,
    rollback_tested, service_desk_notified_at, review_completed_at
  from source
)
select * from final;
