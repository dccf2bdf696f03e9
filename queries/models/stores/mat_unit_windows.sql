-- mat_unit_windows: one row per (window, unit): the rows of int_unit_windows,
-- kept per window and unit kind like mat_attribution (which it reads through
-- fct_attribution). $refresh: only the units in refresh_units.
-- Materialized: store. Reads: int_unit_windows, mat_attribution. Binds: $window_hours, $unit_kind, $refresh.
-- Key: window_hours, unit_kind, unit_id. Unique, checked by test/queries/keys.test.ts on the golden fixture and the sample.
select * from int_unit_windows($unit_kind, $window_hours, $refresh)
