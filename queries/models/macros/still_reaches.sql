-- still_reaches(rule, opened_at, golive_at, window_hours): whether an incident
-- attributed at a wider window stays with the same unit at a narrower one
-- (decision 021): a confirmed or reviewed link does not depend on the window, and a likely
-- winner does while its window, end + W hours, still reaches the incident.
-- Grain: none, a scalar macro (one value per call).
-- Materialized: macro. Reads: window_reach.
create or replace macro still_reaches(p_rule, p_opened_at, p_golive_at, p_window_hours) as
  p_rule in ('confirmed', 'reviewed') or p_opened_at <= window_reach(p_golive_at, p_window_hours);
