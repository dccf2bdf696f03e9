-- kpi_service_cadence: how often the median service deploys to production in
-- the period (per week), over the services with at least one production
-- deployment there. DORA rates a service's own cadence; the organisation's
-- total (deployment_frequency_per_week) grows with the number of services.
-- Binds: $tz, $from, $to, $services, $teams, $types.
-- Reads: fct_units, dim_period, in_filter, seconds_between.
with bounds as (
  select * from dim_period($tz, $from, $to)
),
per_service as (
  select d.service, count(*) as deployments
  from fct_units d, bounds b
  where d.unit_kind = 'deployment' and d.is_completed and d.service is not null
    and d.end_at >= b.from_at and d.end_at < b.to_at
    and in_filter($services, d.service) and in_filter($teams, d.team) and in_filter($types, d.unit_type)
  group by all
)
select
  (select count(*) from per_service)::integer as services,
  (select quantile_cont(deployments, 0.5) from per_service) / (seconds_between(b.to_at, b.from_at) / 3600 / 168) as median_per_week
from bounds b;
