/**
 * Downloads: any allow-listed model query as CSV or Parquet (written by DuckDB
 * with the same bound parameters), or as Arrow IPC (apache-arrow, built from
 * the rows). The SQL is the model file itself; nothing is assembled here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type DuckDBConnection, DuckDBTypeId } from '@duckdb/node-api';
import { tableFromJSON, tableToIPC } from 'apache-arrow';
import { neutraliseSql } from '../lib/csvSafety.ts';
import { typesFor } from '../lib/db.ts';
import { quoteIdent } from '../lib/sqlText.ts';
import { bindings, unitBindings } from './bindings.ts';
import { incidentBindings, parseIncidentFilter } from './incidents.ts';
import type { KpiParams } from './params.ts';
import { readQuery, runQuery } from './run.ts';
import { withModels } from './snapshot.ts';

export const exportFormats = ['csv', 'arrow', 'parquet'] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** The incidents table's filters from the download's query string (checked by the route first). */
function incidentDownloadBindings(p: KpiParams, search: URLSearchParams = new URLSearchParams()) {
  const filter = parseIncidentFilter(search);
  if (Array.isArray(filter)) throw new Error(filter.join('; '));
  return incidentBindings(p, filter);
}

/** The tables a user can download, each a model query with its bindings. */
export const exportTables = {
  units: { model: 'kpi_units', bind: unitBindings },
  breakdown: { model: 'kpi_breakdown', bind: unitBindings },
  // exactly the incidents table's rows: its priority, rule and record filters (queries/incidents.ts)
  incidents: { model: 'kpi_incidents', bind: incidentDownloadBindings },
  buckets: { model: 'kpi_buckets', bind: (p: KpiParams) => ({ ...bindings(p), bucket: 'month' }) },
  ingest_runs: { model: 'data_ingest_runs', bind: () => ({}) },
  ingest_rejects: { model: 'data_rejects', bind: () => ({ limit: 1_000_000, offset: 0 }) },
  reviews: { model: 'review_links', bind: () => ({ limit: 1_000_000, offset: 0 }) },
} as const;
export type ExportTable = keyof typeof exportTables;

const contentTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  arrow: 'application/vnd.apache.arrow.stream',
  parquet: 'application/vnd.apache.parquet',
};

/** JSON-safe plain values for Arrow: dates become ISO strings, bigints numbers. */
function plain(row: Record<string, unknown>) {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [
      k,
      v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? Number(v) : v,
    ]),
  );
}

export function rowsToArrow(rows: Record<string, unknown>[]): Uint8Array {
  return tableToIPC(tableFromJSON(rows.map(plain)), 'stream');
}

/** The query with every text column passed through the formula guard (lib/csvSafety.ts). */
async function neutralisedText(conn: DuckDBConnection, sql: string, params: Record<string, never>): Promise<string> {
  const probe = await conn.runAndReadAll(`select * from (${sql}) limit 0`, params, typesFor(params));
  const names = probe.columnNames();
  const types = probe.columnTypes();
  const text = names.filter((_, i) => types[i]?.typeId === DuckDBTypeId.VARCHAR);
  if (text.length === 0) return sql;
  const replaced = text.map((n) => `${neutraliseSql(quoteIdent(n))} as ${quoteIdent(n)}`).join(', ');
  return `select * replace (${replaced}) from (${sql})`;
}

export async function exportTable(
  table: ExportTable,
  format: ExportFormat,
  p: KpiParams,
  search: URLSearchParams = new URLSearchParams(),
): Promise<{ body: Uint8Array; contentType: string; filename: string }> {
  const spec = exportTables[table];
  const params = (spec.bind as (p: KpiParams, search: URLSearchParams) => unknown)(p, search) as Record<string, never>;
  const filename = `releaselens-${table}-${p.from}-${p.to}.${format}`;
  return withModels(async (conn) => {
    if (format === 'arrow') {
      const rows = (await runQuery(conn, spec.model, params)).map(({ total_rows: _, ...row }) => row);
      return { body: rowsToArrow(rows), contentType: contentTypes.arrow, filename };
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releaselens-export-'));
    const file = path.join(dir, filename);
    try {
      const text = readQuery(spec.model).trim().replace(/;$/, '');
      // a paged query's row count is for its page's pager, not a column of the table
      let sql = text.includes('total_rows') ? `select * exclude (total_rows) from (${text})` : text;
      if (format === 'csv') sql = await neutralisedText(conn, sql, params);
      const options = format === 'csv' ? '(format csv, header true)' : '(format parquet)';
      await conn.run(`copy (${sql}) to $export_file ${options}`, { ...params, export_file: file }, typesFor(params));
      return { body: fs.readFileSync(file), contentType: contentTypes[format], filename };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, p);
}
