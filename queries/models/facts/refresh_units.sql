-- refresh_units: the units whose window figures an incremental refresh
-- recomputes (filled and emptied like refresh_incidents); int_unit_windows
-- reads only these units of its kind when p_refresh.
-- Grain: one row per (unit_kind, unit_id) to recompute; empty in every
-- committed state. Held by test/queries/refresh.test.ts (a refresh equals a
-- whole build).
-- Materialized: table. Reads: fct_units.
select unit_kind, unit_id from fct_units where false
