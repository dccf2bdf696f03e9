-- stg_freeze_windows: one row per freeze or maintenance window.
-- Materialized: table. Reads: raw_freeze_windows. Binds: nothing.
-- Key: window_id. Unique, checked by test/queries/keys.test.ts on the golden fixture and the sample.
with source as (
  select * from raw_freeze_windows
),
final as (
  select window_id, source, name, starts_at, ends_at, service, kind, original_kind
  from source
)
select * from final;
