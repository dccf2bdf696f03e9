-- Every reject of this run with its record number and physical line: value
-- rejects are moved past the records the reader dropped (struct_shift), and
-- every record past the extra lines of quoted line breaks before it (line_shifts).
insert into ingest_rejects
with located as (
  select v.ord + 1 + coalesce(s.shift, 0) as record, v."column", v.value, v.reason
  from value_rejects v asof left join struct_shift s on v.ord >= s.from_ord
  union all
  select record, "column", value, reason from struct_rejects
)
select $run, $file, (l.record + 1 + coalesce(x.extra, 0))::integer, l.record::integer, l."column", l.value, l.reason
from located l asof left join line_shifts x on l.record >= x.record
