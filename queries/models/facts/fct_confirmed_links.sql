-- fct_confirmed_links: one row per (record, unit kind) for incidents with an
-- explicit "caused by" link, and survey responses, to a completed unit of that
-- kind (the rules are in int_confirmed_links), and the rule that made it:
-- reviewed (a person confirmed it) or confirmed (the record's own link).
-- Materialized: table. Reads: int_confirmed_links.
-- Key: record_kind, record_id, unit_kind. Unique, checked by test/queries/keys.test.ts on the golden fixture and the sample.
select * from int_confirmed_links(false)
