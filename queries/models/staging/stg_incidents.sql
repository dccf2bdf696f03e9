-- stg_incidents: one row per incident record.
-- Materialized: table. Reads: raw_incidents. Binds: nothing.
-- Key: incident_id. Unique, checked by test/queries/keys.test.ts on the golden fixture and the sample.
with source as (
  select * from raw_incidents
),
final as (
  select
    incident_id, source, opened_at, resolved_at, closed_at, priority,
    service, ci, category, status, title,
    caused_by_change_id, caused_by_release_id, problem_id
  from source
)
select * from final;
