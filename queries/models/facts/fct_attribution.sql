-- fct_attribution(unit_kind, window_hours): one row per attributed incident
-- (incident_id, unit_id, rule) for that unit kind and window, with the
-- incident's columns the pages count by (source, opened_at, resolved_at,
-- priority, service, ci, category, problem_id) and the unit's go-live
-- (golive_at, its end_at). Materialized, the rows come
-- from the mat_attribution table (filled per window when the models are built,
-- or on first use), so a reader of a period's incidents never joins the
-- million incident rows; live, they are computed.
-- Materialized: windowed macro. Reads: mat_attribution, int_attribution.
create or replace macro fct_attribution(p_unit_kind, p_window_hours) as table
select incident_id, unit_id, rule, source, opened_at, resolved_at, priority, service, ci, category, problem_id, golive_at
from mat_attribution
where unit_kind = p_unit_kind and window_hours = p_window_hours::double;
-- live:
create or replace macro fct_attribution(p_unit_kind, p_window_hours) as table
select incident_id, unit_id, rule, source, opened_at, resolved_at, priority, service, ci, category, problem_id, golive_at
from int_attribution(p_unit_kind, p_window_hours, false);
