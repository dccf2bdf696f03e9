-- detail_unit: one unit by id with the columns of kpi_units, whatever its
-- go-live date, and the source that sent it.
-- Binds: $unit, $unit_id, $window_hours, $failure_max_priority, $tz.
-- Reads: fct_unit_rows, fct_units.
with final as (
  select r.*, u.source
  from fct_unit_rows($unit, $window_hours, $failure_max_priority, $tz) r
  join fct_units u on u.unit_kind = $unit and u.unit_id = r.unit_id
  where r.unit_id = $unit_id
)
select * from final;
