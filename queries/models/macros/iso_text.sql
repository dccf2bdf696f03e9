-- iso_text(instant): an instant as ISO 8601 text in UTC with milliseconds, as
-- JavaScript's Date.prototype.toISOString writes it (2025-03-01T09:30:00.000Z).
-- Formatted from the epoch microseconds: strftime on a timestamptz goes
-- through ICU's calendar, about twice as slow.
-- Grain: none, a scalar macro (one value per call).
-- Materialized: macro. Reads: nothing.
create or replace macro iso_text(p_instant) as strftime(make_timestamp(epoch_us(p_instant)), '%Y-%m-%dT%H:%M:%S.%gZ');
