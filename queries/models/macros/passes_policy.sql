-- passes_policy(authorised, rollback_tested, service_desk, outside_freeze, review):
-- a unit's policy compliance from its five checks (each true, false, or null =
-- not applicable): null when no check applies, else whether every applicable
-- check passes.
-- Grain: none, a scalar macro (one value per call).
-- Materialized: macro. Reads: nothing.
create or replace macro passes_policy(p_authorised, p_rollback, p_desk, p_freeze, p_review) as
  case when coalesce(p_authorised, p_rollback, p_desk, p_freeze, p_review) is not null then
    coalesce(p_authorised, true) and coalesce(p_rollback, true) and coalesce(p_desk, true)
    and coalesce(p_freeze, true) and coalesce(p_review, true)
  end;
