-- stg_surveys: one row per satisfaction survey response (about a release or a change).
-- Materialized: table. Reads: raw_surveys. Binds: nothing.
-- Key: response_id. Unique, checked by test/queries/keys.test.ts on the golden fixture and the sample.
with source as (
  select * from raw_surveys
),
final as (
  select response_id, source, release_id, change_id, responded_at, score, comment
  from source
)
select * from final;
