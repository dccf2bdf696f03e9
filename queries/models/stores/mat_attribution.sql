-- mat_attribution: one row per (window, unit kind, attributed incident): the
-- rows of int_attribution for every unit kind, kept per window. The build
-- fills the default window; any other is added on first use.
-- Materialized: store. Reads: int_attribution. Binds: $window_hours.
select $window_hours::double as window_hours, 'release' as unit_kind, * from int_attribution('release', $window_hours)
union all
select $window_hours::double, 'change', * from int_attribution('change', $window_hours)
union all
select $window_hours::double, 'deployment', * from int_attribution('deployment', $window_hours)
