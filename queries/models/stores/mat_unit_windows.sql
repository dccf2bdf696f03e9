-- mat_unit_windows: one row per (window, unit): the rows of int_unit_windows
-- for every unit kind, kept per window like mat_attribution (which it reads
-- through fct_attribution).
-- Materialized: store. Reads: int_unit_windows, mat_attribution. Binds: $window_hours.
select * from int_unit_windows('release', $window_hours)
union all
select * from int_unit_windows('change', $window_hours)
union all
select * from int_unit_windows('deployment', $window_hours)
