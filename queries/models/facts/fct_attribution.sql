-- fct_attribution(unit_kind, window_hours): one row per attributed incident,
-- naming the unit of that kind it is attributed to and its rule (fct_attributed),
-- with the incident's own columns.
-- Materialized: macro. Reads: fct_attributed, stg_incidents.
create or replace macro fct_attribution(p_unit_kind, p_window_hours) as table
select
  a.incident_id, a.unit_id, a.rule,
  i.opened_at, i.resolved_at, i.priority, i.service, i.ci, i.category, i.problem_id, i.title
from fct_attributed(p_unit_kind, p_window_hours) a
join stg_incidents i using (incident_id);
