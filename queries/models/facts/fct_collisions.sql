-- fct_collisions: one row per completed unit whose go-live window collides
-- with another unit's of the same kind on the same service or CI, naming one
-- such unit and what they share. Two windows [start, end] collide when one
-- starts while the other runs (other.start <= start < other.end) or both go
-- live at the same instant; windows that only touch do not.
-- Set-based, no pairwise join: per key, units in order of start (longer
-- first, then id); a unit collides exactly when an earlier one in that order
-- ends after it starts, the next one starts before it ends, or another goes
-- live at its instant. Parameter-free: built once per data version.
-- Materialized: table. Reads: fct_units, fct_unit_cis.
-- Key: unit_kind, unit_id. Unique, checked by test/queries/keys.test.ts on the golden fixture and the sample.
with units as (
  select unit_kind, unit_id, service, start_at, end_at
  from fct_units
  where is_completed
),
unit_keys as (
  select unit_kind, unit_id, 'service' as key_kind, service as key, start_at, end_at
  from units where service is not null
  union all
  select u.unit_kind, u.unit_id, 'ci', c.ci, u.start_at, u.end_at
  from units u join fct_unit_cis c using (unit_kind, unit_id)
),
ordered as (
  select *,
    max(end_at) over earlier as earlier_end,
    arg_max(unit_id, end_at) over earlier as earlier_unit,
    lead(start_at) over by_start as next_start,
    lead(unit_id) over by_start as next_unit,
    count(*) over same_golive as at_golive,
    min(unit_id) over same_golive as first_at_golive,
    max(unit_id) over same_golive as last_at_golive
  from unit_keys
  window
    by_start as (partition by unit_kind, key_kind, key order by start_at, end_at desc, unit_id),
    earlier as (by_start rows between unbounded preceding and 1 preceding),
    same_golive as (partition by unit_kind, key_kind, key, end_at)
),
colliding as (
  select
    unit_kind, unit_id, key_kind, key,
    case
      when earlier_end > start_at then earlier_unit
      when next_start < end_at then next_unit
      when first_at_golive <> unit_id then first_at_golive
      else last_at_golive
    end as other_id
  from ordered
  where earlier_end > start_at or next_start < end_at or at_golive > 1
),
final as (
  -- one row per unit: a shared service first, then the first CI by name
  select
    unit_kind, unit_id,
    arg_min(other_id, (key_kind <> 'service', key, other_id)) as collides_with,
    arg_min(key_kind, (key_kind <> 'service', key, other_id)) as collides_on_kind,
    arg_min(key, (key_kind <> 'service', key, other_id)) as collides_on
  from colliding
  group by all
)
select * from final order by unit_kind, unit_id;
