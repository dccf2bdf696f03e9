-- review_links: one row per reviewed link (the newest verdict of each), newest
-- first, with whether it is in effect: a review naming an incident or unit that
-- does not exist (any more), or a unit not completed, changes nothing and says so.
-- Binds: $limit, $offset. Reads: stg_link_reviews, stg_incidents, fct_units.
select
  r.review_id, r.incident_id, r.unit_kind, r.unit_id, r.verdict, r.reason, r.reviewed_by, r.reviewed_at,
  case
    when i.incident_id is null then 'no such incident'
    when u.unit_id is null then 'no such unit'
    when not u.is_completed then 'unit not completed'
    else 'in effect'
  end as status,
  i.priority, i.title, i.opened_at,
  count(*) over () as total_rows
from stg_link_reviews r
left join stg_incidents i using (incident_id)
left join fct_units u on u.unit_kind = r.unit_kind and u.unit_id = r.unit_id
order by r.review_id desc
limit $limit offset $offset;
