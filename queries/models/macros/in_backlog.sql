-- in_backlog(requested_at, is_completed, end_at, cancelled_at, t): whether a
-- unit is in the backlog at instant t (docs/kpis.md, release governance):
-- requested by t, not gone live by t, not cancelled by t.
-- Grain: none, a scalar macro (one value per call).
-- Materialized: macro. Reads: nothing.
create or replace macro in_backlog(p_requested_at, p_is_completed, p_end_at, p_cancelled_at, p_at) as
  p_requested_at <= p_at
  and not (p_is_completed and p_end_at <= p_at)
  and not coalesce(p_cancelled_at <= p_at, false);
