-- refresh_incidents: the incidents an incremental refresh recomputes. The
-- refresh (queries/refresh.ts) fills it inside its transaction and empties it
-- before it commits, so every committed state has it empty; the macros that
-- take p_refresh read only these incidents when it is true.
-- Grain: one row per incident to recompute (incident_id); empty in every
-- committed state. Held by test/queries/refresh.test.ts.
-- Materialized: table. Reads: stg_incidents.
select incident_id from stg_incidents where false
