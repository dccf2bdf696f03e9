-- stg_surveys: one row per satisfaction survey response (about a release or a change).
-- Materialized: table. Reads: raw_surveys. Binds: nothing.
with source as (
  select * from raw_surveys
),
final as (
  select response_id, source, release_id, change_id, responded_at, score, comment
  from source
)
select * from final;
