-- Landing row `ord` is data record ord + 1 + (structural rejects before it):
-- from each landing ord on, how many records the reader dropped before it.
create or replace temp table struct_shift as
select record - row_number() over (order by record) as from_ord,
       row_number() over (order by record) as shift
from (select distinct record from struct_rejects)
