-- detail_unit: one unit by id with the columns of kpi_units, whatever its
-- go-live date.
-- Binds: $unit, $unit_id, $window_hours, $failure_max_priority, $tz.
-- Reads: fct_unit_rows.
with final as (
  select * from fct_unit_rows($unit, $window_hours, $failure_max_priority, $tz) where unit_id = $unit_id
)
select * from final;
