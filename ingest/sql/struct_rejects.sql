-- The records DuckDB's CSV reader could not split into the expected columns
-- (from its rejects table), one row per record and error type, numbered as
-- data records (the header is record 0). $limit: a dry run's first N, or null.
create or replace temp table struct_rejects as
select line - 1 as record, coalesce(min(column_name), '') as "column", trim(min(csv_line), e'\r\n') as value,
  error_type || ': ' || min(error_message) as reason
from rej_errors
where $limit::integer is null or line - 1 <= $limit::integer
group by line, error_type
