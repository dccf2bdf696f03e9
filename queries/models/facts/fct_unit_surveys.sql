-- fct_unit_surveys: one row per unit with satisfaction survey responses: those
-- linked to it (fct_confirmed_links) that came within 14 days after its go-live
-- (docs/kpis.md, satisfaction), counted, those scoring 4 or 5 counted, and
-- their scores summed. Parameter-free: built once per data version, so the
-- governance KPIs add up a period's units instead of joining every link and
-- response on each query.
-- Materialized: table. Reads: fct_units, fct_confirmed_links, stg_surveys.
-- Key: unit_kind, unit_id. Unique, checked by test/queries/keys.test.ts on the golden fixture and the sample.
with units as (
  select unit_kind, unit_id, end_at from fct_units where end_at is not null
),
responses as (
  select u.unit_kind, u.unit_id, s.score
  from fct_confirmed_links l
  join stg_surveys s on s.response_id = l.record_id
  join units u on u.unit_kind = l.unit_kind and u.unit_id = l.unit_id
  where l.record_kind = 'survey'
    and s.responded_at between u.end_at and u.end_at + interval 14 days
),
final as (
  select
    unit_kind, unit_id,
    count(*)::integer as responses,
    count(*) filter (where score >= 4)::integer as satisfied,
    sum(score)::bigint as score_sum
  from responses
  group by all
)
select * from final order by unit_kind, unit_id;
