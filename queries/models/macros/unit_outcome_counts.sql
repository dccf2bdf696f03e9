-- unit_outcome_counts(u): the counts behind every outcome KPI of units
-- (docs/kpis.md), as a struct, over whatever rows of fct_period_units the
-- caller groups; `u` is the row (its table alias). Spread it with
-- unnest(unit_outcome_counts(u)). Each rate is defined once from these, in
-- queries/measures.ts:
--   success, change failure, rollback, post-release incident and emergency
--   rates over `completed`; unauthorised over `authorisation_applicable`.
-- Counted with count(*) filter (where ...), not count_if: DuckDB folds
-- count_if over a column that is null by type (is_unauthorized of deployments)
-- to null rather than 0.
-- Used by kpi_summary, kpi_buckets and kpi_breakdown; held by test/queries/golden.test.ts.
-- Grain: none, a scalar macro (one value per call).
-- Materialized: macro. Reads: nothing.
create or replace macro unit_outcome_counts(u) as {
  'completed': count(*)::integer,
  'failed': count(*) filter (where u.is_failed)::integer,
  'rolled_back': count(*) filter (where u.is_rolled_back)::integer,
  'with_incidents': count(*) filter (where u.post_release_incidents > 0)::integer,
  'post_release_incidents': coalesce(sum(u.post_release_incidents), 0)::integer,
  'emergency': count(*) filter (where u.is_emergency)::integer,
  'unauthorized': count(*) filter (where u.is_unauthorized)::integer,
  'authorisation_applicable': count(u.is_unauthorized)::integer,
  'freeze_violations': count(*) filter (where u.is_freeze_violation)::integer
};
