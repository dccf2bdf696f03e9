-- dim_period(tz, from, to): one row, the instants a reporting period starts
-- (included) and ends (excluded): local dates [from, to) in time zone tz.
-- Grain: one row (the period's two bounds); no key.
-- Materialized: macro. Reads: nothing.
create or replace macro dim_period(p_tz, p_from, p_to) as table
select
  timezone(p_tz, p_from::timestamp) as from_at,
  timezone(p_tz, p_to::timestamp) as to_at;
