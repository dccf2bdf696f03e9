-- kpi_review_counts: how the period's incident links were made and reviewed:
-- the incidents attributed to its units by rule (an explicit link, a person's
-- confirmation, the window), and the reviews of those units that rejected a link.
-- Binds: $unit, $window_hours, $failure_max_priority, $tz, $from, $to,
--        $services, $teams, $types.
-- Reads: fct_period_units, fct_attribution, stg_link_reviews, local_instant.
with units as (
  select unit_id
  from fct_period_units($unit, $window_hours, $failure_max_priority, $services, $teams, $types, $tz, $from, $to)
),
links as (
  select a.rule
  from fct_attribution($unit, $window_hours) a
  semi join units u using (unit_id)
  where a.golive_at >= local_instant($tz, $from) and a.golive_at < local_instant($tz, $to)
)
select
  count(*)::integer as links,
  count(*) filter (where rule = 'confirmed')::integer as explicit_links,
  count(*) filter (where rule = 'reviewed')::integer as confirmed_reviews,
  count(*) filter (where rule = 'likely')::integer as inferred_links,
  (select count(*)::integer from stg_link_reviews r semi join units u using (unit_id)
   where r.unit_kind = $unit and r.verdict = 'rejected') as rejected_reviews
from links;
