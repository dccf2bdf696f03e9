-- in_filter(values, value): the dashboard's list filters; an empty list means
-- no restriction.
-- Grain: none, a scalar macro (one value per call).
-- Materialized: macro. Reads: nothing.
create or replace macro in_filter(p_values, p_value) as
  len(p_values) = 0 or list_contains(p_values, p_value);
