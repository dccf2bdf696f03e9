-- kpi_freezes: one row per freeze or maintenance window that overlaps the
-- period (for the release calendar).
-- Binds: $tz, $from, $to. Reads: stg_freeze_windows.
with bounds as (
  select * from dim_period($tz, $from, $to)
),
final as (
  select f.window_id, f.name, f.kind, f.service, f.starts_at, f.ends_at
  from stg_freeze_windows f, bounds b
  where f.starts_at < b.to_at and f.ends_at > b.from_at
)
select * from final order by starts_at;
