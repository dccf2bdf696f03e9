-- stg_link_reviews: one row per (incident, unit kind, unit) a person reviewed,
-- with the newest verdict (confirmed or rejected; a withdrawn review counts as
-- none and has no row). Reviews name ids, not rows: they outlive a re-ingest of
-- the incident or the unit, and one naming a record that no longer exists
-- changes nothing (docs/kpis.md, "Incident attribution", item 4).
-- Materialized: table. Reads: raw_link_reviews. Binds: nothing.
-- Key: incident_id, unit_kind, unit_id. Unique, checked by test/queries/keys.test.ts on the golden fixture and the sample.
with source as (
  select * from raw_link_reviews
),
newest as (
  select * from source
  qualify row_number() over (partition by incident_id, unit_kind, unit_id order by review_id desc) = 1
),
final as (
  select incident_id, unit_kind, unit_id, verdict, reason, reviewed_by, reviewed_at, review_id
  from newest
  where verdict in ('confirmed', 'rejected')
)
select * from final;
