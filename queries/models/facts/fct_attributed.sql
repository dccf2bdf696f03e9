-- fct_attributed(unit_kind, window_hours): one row per attributed incident
-- (incident_id, unit_id, rule) for that unit kind and window, without the
-- incident's own columns: what a reader joins to its own units before it
-- touches the million incident rows. Materialized, the rows come from the
-- mat_attribution table (filled per window when the models are built, or on
-- first use); live, they are computed.
-- Materialized: windowed macro. Reads: mat_attribution, int_attribution.
create or replace macro fct_attributed(p_unit_kind, p_window_hours) as table
select incident_id, unit_id, rule
from mat_attribution
where unit_kind = p_unit_kind and window_hours = p_window_hours::double;
-- live:
create or replace macro fct_attributed(p_unit_kind, p_window_hours) as table
select incident_id, unit_id, rule
from int_attribution(p_unit_kind, p_window_hours, false);
