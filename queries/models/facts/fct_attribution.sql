-- fct_attribution(unit_kind, window_hours): one row per attributed incident,
-- naming the unit of that kind it is attributed to and its rule (as
-- int_attribution computes it), with the incident's own columns. Materialized,
-- the attribution comes from the mat_attribution table, filled per window when
-- the models are built (the default window) or on first use (any other); live,
-- it is computed.
-- Materialized: windowed macro. Reads: mat_attribution, int_attribution, stg_incidents.
create or replace macro fct_attribution(p_unit_kind, p_window_hours) as table
select
  a.incident_id, a.unit_id, a.rule,
  i.opened_at, i.resolved_at, i.priority, i.service, i.ci, i.category, i.problem_id, i.title
from mat_attribution a
join stg_incidents i using (incident_id)
where a.unit_kind = p_unit_kind and a.window_hours = p_window_hours::double;
-- live:
create or replace macro fct_attribution(p_unit_kind, p_window_hours) as table
select
  a.incident_id, a.unit_id, a.rule,
  i.opened_at, i.resolved_at, i.priority, i.service, i.ci, i.category, i.problem_id, i.title
from int_attribution(p_unit_kind, p_window_hours) a
join stg_incidents i using (incident_id);
