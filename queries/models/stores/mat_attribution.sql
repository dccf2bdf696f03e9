-- mat_attribution: one row per (window, unit kind, attributed incident): the
-- rows of int_attribution, kept per window and unit kind. The build fills the
-- default window for every kind; any other (window, kind) is added on first use.
-- A window narrowed from a wider one holds only the incidents whose wider
-- winner no longer reaches them (fct_attribution reads the rest from the wider).
-- Kept in order of the unit's go-live, so a period's rows sit in few row groups
-- and a filter on golive_at skips the others.
-- $refresh: only the incidents of an incremental refresh (queries/refresh.ts).
-- $from, $to: the incidents whose id is in [$from, $to) ($to null: no upper
-- bound); a build computes as many such parts as memory needs.
-- Materialized: store. Ordered by: golive_at. Reads: int_attribution. Binds: $window_hours, $unit_kind, $refresh, $from, $to.
-- Key: window_hours, unit_kind, incident_id. Unique, checked by test/queries/keys.test.ts on the golden fixture and the sample.
select $window_hours::double as window_hours, $unit_kind as unit_kind, *
from int_attribution($unit_kind, $window_hours, $refresh, p_from := $from, p_to := $to)
