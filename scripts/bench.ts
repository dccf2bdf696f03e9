/**
 * npm run bench [-- --rows 1000000]: prints ingest and attribution figures.
 *   1. writes an incidents CSV of N rows (about 100 bytes a row) to a temp folder;
 *   2. DuckDB's own read_csv of that file into a table (the floor);
 *   3. `ingestFile` of the same file into a fresh on-disk database (the product path);
 *   4. KPIs over the sample organisation plus those N incidents (attribution at scale);
 *   5. the same incidents as a ServiceNow export (field names, labels to map, local
 *      timestamps), loaded through the servicenow-incident profile.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { expandPaths } from '../ingest/files.ts';
import { ingestFile } from '../ingest/load.ts';
import { log } from '../lib/cli.ts';
import { setDatabasePath } from '../lib/db.ts';
import { getKpis } from '../queries/kpis.ts';
import { kpiParamsSchema } from '../queries/params.ts';
import { getUnits } from '../queries/units.ts';
import { noiseServices, sampleServices } from './sample/generate.ts';
import { Random } from './sample/random.ts';

const { values } = parseArgs({ options: { rows: { type: 'string' } } });
const rows = Number(values.rows ?? 1_000_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-bench-'));
const csvFile = path.join(dir, 'incidents.csv');
const serviceNowFile = path.join(dir, 'incident_servicenow.csv');
const priorities = ['1 - Critical', '2 - High', '3 - Moderate', '4 - Low'];

const services = [...sampleServices, ...noiseServices.slice(0, 2)];

type Layout = { header: string; row: (i: number, openedMs: number, priority: number, service: string) => string };

const canonical: Layout = {
  header:
    'incident_id,opened_at,resolved_at,closed_at,priority,service,ci,category,status,caused_by_change_id,caused_by_release_id,problem_id,title',
  row: (i, opened, priority, service) =>
    `B${i},${new Date(opened).toISOString()},${new Date(opened + 7_200_000).toISOString()},,${priority},${service},${service}-api,software,closed,,,,Synthetic incident ${i}`,
};

/** The same rows as a ServiceNow field-name export: labels to map, local timestamps, '?' for empty. */
const serviceNow: Layout = {
  header:
    'number,opened_at,resolved_at,closed_at,priority,business_service,cmdb_ci,category,incident_state,caused_by,problem_id,short_description',
  row: (i, opened, priority, service) => {
    const local = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
    return `B${i},${local(opened)},${local(opened + 7_200_000)},?,${priorities[priority - 1]},${service},${service}-api,software,Closed,?,?,Synthetic incident ${i}`;
  },
};

/** N incidents over two years in the given layout; the same seed gives the same incidents in both layouts. */
function writeIncidents(file: string, layout: Layout) {
  const rnd = new Random(7);
  const start = Date.UTC(2024, 0, 1);
  const span = 2 * 365 * 24 * 3_600_000;
  const out = fs.openSync(file, 'w');
  fs.writeSync(out, `${layout.header}\n`);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const opened = start + Math.floor(rnd.next() * span);
    const service = rnd.pick(services);
    chunk += `${layout.row(i, opened, rnd.int(1, 4), service)}\n`;
    if (chunk.length > 1 << 20) {
      fs.writeSync(out, chunk);
      chunk = '';
    }
  }
  fs.writeSync(out, chunk);
  fs.closeSync(out);
}

async function timed<T>(label: string, work: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const result = await work();
  const seconds = (performance.now() - t0) / 1000;
  log(`${label}: ${seconds.toFixed(2)} s`);
  return [result, seconds];
}

async function main() {
  log(`writing ${rows.toLocaleString('en-US')} incidents to ${csvFile}`);
  writeIncidents(csvFile, canonical);
  const mb = fs.statSync(csvFile).size / 1e6;

  const floorDb = await DuckDBInstance.create(path.join(dir, 'floor.duckdb'));
  const conn = await floorDb.connect();
  const [, floorSeconds] = await timed('duckdb read_csv (all varchar) into an on-disk table + checkpoint', async () => {
    await conn.run('create table t as select * from read_csv($f, all_varchar = true, header = true)', { f: csvFile });
    await conn.run('checkpoint');
  });
  conn.closeSync();

  setDatabasePath(path.join(dir, 'product.duckdb'));
  for (const file of expandPaths([path.join('data', 'sample')])) await ingestFile(file);
  const [summary, ingestSeconds] = await timed('releaselens ingest (validate, rejects, upsert, one transaction)', () =>
    ingestFile(csvFile, { source: 'bench' }),
  );
  const [, kpiSeconds] = await timed(
    `KPIs over ${(summary.rowsLoaded + 14_872).toLocaleString('en-US')} incidents (release unit, two years)`,
    () => getKpis(kpiParamsSchema.parse({ from: '2024-01-01', to: '2026-01-01', as_of: '2026-01-06T00:00:00Z' })),
  );
  const [units, unitsSeconds] = await timed('releases table for a quarter (units, attribution, excess baseline)', () =>
    getUnits(kpiParamsSchema.parse({ from: '2025-10-01', to: '2026-01-01' })),
  );
  writeIncidents(serviceNowFile, serviceNow);
  setDatabasePath(path.join(dir, 'mapped.duckdb'));
  const [mapped, mappedSeconds] = await timed(
    'releaselens ingest of the ServiceNow export (servicenow-incident profile)',
    () => ingestFile(serviceNowFile, { source: 'bench' }),
  );
  const lines = [
    `file: ${rows.toLocaleString('en-US')} rows, ${mb.toFixed(0)} MB`,
    `duckdb read_csv floor: ${floorSeconds.toFixed(2)} s (${Math.round(rows / floorSeconds).toLocaleString('en-US')} rows/s)`,
    `releaselens ingest:    ${ingestSeconds.toFixed(2)} s (${Math.round(rows / ingestSeconds).toLocaleString('en-US')} rows/s), ${summary.rowsLoaded} loaded, ${summary.rowsRejected} rejected`,
    `kpi_summary with attribution: ${kpiSeconds.toFixed(2)} s`,
    `releases table (${units.length} units of a quarter): ${unitsSeconds.toFixed(2)} s`,
    `mapped ServiceNow export: ${mappedSeconds.toFixed(2)} s (${Math.round(rows / mappedSeconds).toLocaleString('en-US')} rows/s), ${mapped.rowsLoaded} loaded (${mapped.layout}); ${(mappedSeconds / ingestSeconds).toFixed(2)}x the canonical load`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  log(String(err?.stack ?? err));
  process.exit(1);
});
