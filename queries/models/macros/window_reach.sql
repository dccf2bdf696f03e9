-- window_reach(end_at, window_hours): the instant a unit's post-release window
-- closes, end + W hours (W may have a fraction; microsecond precision).
-- Grain: none, a scalar macro (one value per call).
-- Materialized: macro. Reads: nothing.
create or replace macro window_reach(p_end_at, p_window_hours) as
  p_end_at + to_microseconds(cast(round(p_window_hours * 3600000000) as bigint));
