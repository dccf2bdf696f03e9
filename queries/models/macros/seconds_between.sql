-- seconds_between(later, earlier): the seconds from one instant to another, as
-- a double (negative when `later` is earlier). The same value as
-- epoch(later - earlier), computed from the epoch microseconds: subtracting two
-- timestamptz goes through ICU's calendar and is about 35 times slower (1.45 s
-- against 0.04 s over a million incidents).
-- Grain: none, a scalar macro (one value per call).
-- Materialized: macro. Reads: nothing.
create or replace macro seconds_between(p_later, p_earlier) as (epoch_us(p_later) - epoch_us(p_earlier)) / 1000000;
