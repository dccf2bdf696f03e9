-- fct_attribution(unit_kind, window_hours): one row per attributed incident
-- (incident_id, unit_id, rule) for that unit kind and window, with the
-- incident's columns the pages count by (source, opened_at, resolved_at,
-- priority, service, ci, category, problem_id) and the unit's go-live
-- (golive_at, its end_at). Materialized, the rows come
-- from the mat_attribution table (filled per window when the models are built,
-- or on first use), so a reader of a period's incidents never joins the
-- million incident rows; live, they are computed.
-- A window narrowed from a wider one (mat_windows.narrowed_from, decision 021)
-- keeps only the rows that differ from the wider window's: its rows are the
-- wider window's winners that still reach their incidents, and its own.
-- Grain: one row per incident attributed to a unit of the kind at the window
-- (incident_id). Key held by test/queries/keys.test.ts on mat_attribution, the
-- store it reads; live equals materialized by
-- test/queries/materialized.test.ts.
-- Materialized: windowed macro. Reads: mat_attribution, int_attribution, still_reaches.
create or replace macro fct_attribution(p_unit_kind, p_window_hours) as table
select incident_id, unit_id, rule, source, opened_at, resolved_at, priority, service, ci, category, problem_id, golive_at
from mat_attribution
where unit_kind = p_unit_kind and window_hours = p_window_hours::double
union all
select
  a.incident_id, a.unit_id, a.rule, a.source, a.opened_at, a.resolved_at, a.priority, a.service, a.ci,
  a.category, a.problem_id, a.golive_at
from mat_windows n
join mat_attribution a on a.unit_kind = n.unit_kind and a.window_hours = n.narrowed_from
where n.unit_kind = p_unit_kind and n.window_hours = p_window_hours::double
  and still_reaches(a.rule, a.opened_at, a.golive_at, p_window_hours);
-- live:
create or replace macro fct_attribution(p_unit_kind, p_window_hours) as table
select incident_id, unit_id, rule, source, opened_at, resolved_at, priority, service, ci, category, problem_id, golive_at
from int_attribution(p_unit_kind, p_window_hours, false);
