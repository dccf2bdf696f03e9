-- fct_attribution(unit_kind, window_hours): one row per attributed incident,
-- naming the unit of that kind it is attributed to and its rule, as
-- int_attribution computes it. Materialized, the rows come from the
-- mat_attribution table, filled per window when the models are built (the
-- default window) or on first use (any other); live, they are computed.
-- Materialized: windowed macro. Reads: mat_attribution, int_attribution.
create or replace macro fct_attribution(p_unit_kind, p_window_hours) as table
select * exclude (unit_kind, window_hours)
from mat_attribution
where unit_kind = p_unit_kind and window_hours = p_window_hours::double;
-- live:
create or replace macro fct_attribution(p_unit_kind, p_window_hours) as table
select * from int_attribution(p_unit_kind, p_window_hours);
