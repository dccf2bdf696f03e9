-- fct_unit_windows(unit_kind, window_hours): one row per unit of that kind
-- with its window's incident counts, restore times and baseline, as
-- int_unit_windows computes them. Materialized, the rows come from the
-- mat_unit_windows table (filled with mat_attribution); live, they are computed.
-- Grain: one row per unit of the kind (unit_id). Key held by
-- test/queries/keys.test.ts on mat_unit_windows.
-- Materialized: windowed macro. Reads: mat_unit_windows, int_unit_windows.
create or replace macro fct_unit_windows(p_unit_kind, p_window_hours) as table
select * from mat_unit_windows
where unit_kind = p_unit_kind and window_hours = p_window_hours::double;
-- live:
create or replace macro fct_unit_windows(p_unit_kind, p_window_hours) as table
select * from int_unit_windows(p_unit_kind, p_window_hours, false);
