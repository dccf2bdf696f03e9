-- review_on_time(applicable, review_completed_at, end_at, tz): the policy check
-- "post-release review on time" (docs/kpis.md): null when not applicable; else
-- the review was completed after go-live and, in local dates of tz, on or before
-- the fifth business day (Mon-Fri) after the go-live date. A go-live on Friday
-- or Saturday has the next Friday as its last day, a Sunday one the Friday after.
-- Grain: none, a scalar macro (one value per call).
-- Materialized: macro. Reads: local_time.
create or replace macro review_on_time(p_applicable, p_review_at, p_end_at, p_tz) as
  case when p_applicable then
    p_review_at is not null and p_review_at >= p_end_at
    and local_time(p_tz, p_review_at)::date <= local_time(p_tz, p_end_at)::date
      + to_days(case isodow(local_time(p_tz, p_end_at)) when 6 then 6 when 7 then 5 else 7 end)
  end;
