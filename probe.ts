import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const db = await DuckDBInstance.create('/tmp/l2.duckdb');
const c = await db.connect();
await c.run("load icu; set TimeZone='UTC'; set asof_loop_join_threshold = 0; set nested_loop_join_threshold = 0");
const t = async (label: string, sql: string, p?: any) => {
  const t0 = performance.now();
  const r = await c.runAndReadAll(sql, p);
  console.log(
    label,
    ((performance.now() - t0) / 1000).toFixed(3),
    JSON.stringify(r.getRows().slice(0, 5), (k, v) => (typeof v === 'bigint' ? Number(v) : v)),
  );
};
const body = (f: string) => fs.readFileSync(f, 'utf8');
await t('del', 'delete from raw_incidents');
await t('ckpt', 'checkpoint');
await c.run('begin transaction');
await t(
  'load',
  "insert into raw_incidents (source, incident_id, opened_at, resolved_at, closed_at, priority, service, ci, category, status, caused_by_change_id, caused_by_release_id, problem_id, title, ingest_run_id, loaded_at) select 'csv', incident_id, opened_at::timestamptz, resolved_at::timestamptz, closed_at::timestamptz, priority, service, ci, category, status, caused_by_change_id, caused_by_release_id, problem_id, title, 9, now() from read_csv('/tmp/large/incidents.csv', all_varchar=true)",
);
await t('units', 'create or replace table fct_units as ' + body('queries/models/facts/fct_units.sql'));
await t('cis', 'create or replace table fct_unit_cis as ' + body('queries/models/facts/fct_unit_cis.sql'));
await t(
  'links',
  'create or replace table fct_confirmed_links as ' + body('queries/models/facts/fct_confirmed_links.sql'),
);
await c.run("pragma enable_profiling='query_tree'; pragma profiling_output='/tmp/prof.txt'");
await t('attr small', `select count(*) from int_attribution('release', 48) where incident_id like 'INC00001%'`);
await c.run('rollback');
