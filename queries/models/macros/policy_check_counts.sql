-- policy_check_counts(u): the counts behind the release governance KPIs
-- (docs/kpis.md): per policy check, the units that pass it (`_pass`) and those
-- it applies to (`_n`; a null check does not apply), and the units compliant
-- with every applicable check. `u` is a row carrying the five chk_ columns of
-- fct_period_units with chk_review_on_time and `compliant` (passes_policy)
-- worked out. Spread it with unnest(policy_check_counts(u)).
-- Used by kpi_governance and kpi_breakdown; held by test/queries/golden.test.ts.
-- Grain: none, a scalar macro (one value per call).
-- Materialized: macro. Reads: nothing.
create or replace macro policy_check_counts(u) as {
  'authorised_pass': count(*) filter (where u.chk_authorised_before_start)::integer,
  'authorised_n': count(u.chk_authorised_before_start)::integer,
  'rollback_pass': count(*) filter (where u.chk_rollback_tested)::integer,
  'rollback_n': count(u.chk_rollback_tested)::integer,
  'service_desk_pass': count(*) filter (where u.chk_service_desk_notified)::integer,
  'service_desk_n': count(u.chk_service_desk_notified)::integer,
  'freeze_pass': count(*) filter (where u.chk_outside_freeze)::integer,
  'freeze_n': count(u.chk_outside_freeze)::integer,
  'review_pass': count(*) filter (where u.chk_review_on_time)::integer,
  'review_n': count(u.chk_review_on_time)::integer,
  'compliant': count(*) filter (where u.compliant)::integer,
  'compliance_n': count(u.compliant)::integer
};
