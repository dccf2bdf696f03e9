-- upcoming_next: for an empty agenda, where the open releases and changes
-- are: the first planned start at or after $to_at::timestamptz, and the latest of all.
-- Binds: $from_at, $to_at. Reads: fct_units.
select
  min(planned_start) filter (where planned_start >= $to_at::timestamptz) as next_after,
  max(planned_start) as latest,
  $from_at::timestamptz as from_at
from fct_units
where unit_kind in ('release', 'change') and not is_completed and not is_cancelled and planned_start is not null;
