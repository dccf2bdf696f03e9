-- kpi_data_range: one row: the first and last instant of any record the KPIs
-- can count (unit go-live, incident opened), the first incident (how much
-- history the baselines have), when data last arrived (the newest loaded
-- ingest run), and the values the filters offer.
-- Binds: nothing. Reads: fct_units, stg_incidents, ingest_runs.
with units as (
  select * from fct_units
),
incidents as (
  select opened_at from stg_incidents
),
bounds as (
  select
    least((select min(end_at) from units), (select min(opened_at) from incidents)) as first_at,
    greatest((select max(end_at) from units), (select max(opened_at) from incidents)) as last_at,
    (select min(opened_at) from incidents) as incidents_from
),
final as (
  select
    first_at,
    last_at,
    incidents_from,
    (select max(finished_at) from ingest_runs where status = 'loaded' and entity is distinct from 'link_review') as loaded_at,
    (select list(distinct service order by service) from units where service is not null) as services,
    (select list(distinct team order by team) from units where team is not null) as teams,
    (select list(distinct unit_type order by unit_type) from units where unit_type is not null and unit_kind = 'release') as release_types,
    (select list(distinct unit_type order by unit_type) from units where unit_type is not null and unit_kind = 'change') as change_types,
    (select count(*) from units where unit_kind = 'release')::integer as releases
  from bounds
)
select * from final;
