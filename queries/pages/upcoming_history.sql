-- upcoming_history: per service, what its completed units of one kind did in
-- the $history_days before $from_at::timestamptz: how many went live, how many failed (own
-- record, or an incident of priority <= $failure_max_priority attributed in
-- the window), the incidents they caused, and how their deployment windows ran
-- against plan (overrun in minutes: median and 85th percentile, over the units
-- with both planned and actual windows).
-- One row per service, and one (is_total) for all of them together.
-- Binds: $unit, $window_hours, $failure_max_priority, $from_at, $history_days.
-- Reads: fct_unit_outcomes.
select
  service,
  grouping(service) = 1 as is_total,
  count(*)::integer as completed,
  count(*) filter (where is_failed)::integer as failed,
  coalesce(sum(post_release_incidents), 0)::integer as incidents,
  count(overrun_minutes)::integer as timed,
  median(overrun_minutes) as overrun_median_minutes,
  quantile_cont(overrun_minutes, 0.85) as overrun_p85_minutes
from fct_unit_outcomes($unit, $window_hours, $failure_max_priority)
where is_completed and end_at >= $from_at::timestamptz - to_days($history_days) and end_at < $from_at::timestamptz
group by grouping sets ((service), ())
order by service nulls first;
