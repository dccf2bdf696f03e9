-- local_instant(tz, date): the instant a local date begins in time zone tz: a
-- period [from, to) runs from local_instant(tz, from) to local_instant(tz, to).
-- A scalar, so a period filter written with it is a comparison with a constant
-- that DuckDB pushes down to the table scan, ahead of every join and projection
-- (a join with dim_period's row is applied only after them).
-- Grain: none, a scalar macro (one value per call).
-- Materialized: macro. Reads: nothing.
create or replace macro local_instant(p_tz, p_date) as timezone(p_tz, p_date::timestamp);
