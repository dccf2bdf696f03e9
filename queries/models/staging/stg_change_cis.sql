-- stg_change_cis: one row per (change, configuration item): the change record's
-- own CI, and the further CIs collected from exports with one row per change
-- and CI.
-- Materialized: table. Reads: raw_changes, raw_change_cis. Binds: nothing.
-- Key: change_id, ci. Unique, checked by test/queries/keys.test.ts on the golden fixture and the sample.
with own as (
  select change_id, ci from raw_changes where ci is not null
),
collected as (
  select change_id, ci from raw_change_cis
),
final as (
  select distinct change_id, ci from (select * from own union all select * from collected)
)
select * from final;
