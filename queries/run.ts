/** Running the parameterised queries of `queries/kpis/` and `queries/pages/`, returning plain JS rows. */
import fs from 'node:fs';
import type { DuckDBConnection, DuckDBResultReader, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { typesFor } from '../lib/db.ts';
import { projectFile } from '../lib/paths.ts';
import { trace } from './trace.ts';

const sqlCache = new Map<string, string>();

/** The SQL of a parameterised query in `queries/kpis/` or `queries/pages/` (by name). */
export function readQuery(name: string): string {
  if (!/^(kpi|data|detail|review|upcoming)_[a-z_]+$/.test(name)) throw new Error(`bad query name ${name}`);
  let sql = sqlCache.get(name);
  if (sql === undefined) {
    sql = fs.readFileSync(projectFile('queries', name.startsWith('kpi_') ? 'kpis' : 'pages', `${name}.sql`), 'utf8');
    sqlCache.set(name, sql);
  }
  return sql;
}

/** Runs one parameterised query and returns plain JS rows. `types`: for values whose type a null or a number leaves open. */
export async function runQuery(
  conn: DuckDBConnection,
  name: string,
  params: Record<string, DuckDBValue>,
  types: Record<string, DuckDBType> = {},
): Promise<Record<string, unknown>[]> {
  const reader = await runResult(conn, name, params, types);
  return rowObjects(reader.columnNames(), reader.getColumnsJS(), reader.currentRowCount);
}

/** Runs one parameterised query and returns DuckDB's result, for a reader that takes its columns whole. */
async function runResult(
  conn: DuckDBConnection,
  name: string,
  params: Record<string, DuckDBValue>,
  types: Record<string, DuckDBType> = {},
): Promise<DuckDBResultReader> {
  const t0 = performance.now();
  const reader = await conn.runAndReadAll(readQuery(name), params, { ...typesFor(params), ...types });
  trace(t0, `query ${name} (${reader.currentRowCount} rows)`);
  return reader;
}

/**
 * Rows as objects from the result's columns: the same values as the reader's
 * getRowObjectsJS, which converts value by value (the releases table's 13,000
 * rows of 44 columns: 290-540 ms; by column and one object literal per row,
 * 115 ms). The literal's maker is compiled once per list of column names, so
 * every row object has the same shape. The names come from our own SQL files,
 * and each is written as a JSON string literal.
 */
const makers = new Map<string, (columns: unknown[][], i: number) => Record<string, unknown>>();

export function rowObjects(names: string[], columns: unknown[][], count: number): Record<string, unknown>[] {
  const key = JSON.stringify(names);
  let make = makers.get(key);
  if (!make) {
    const fields = names.map((n, j) => `${JSON.stringify(n)}: c[${j}][i]`).join(', ');
    make = new Function('c', 'i', `return { ${fields} };`) as (
      columns: unknown[][],
      i: number,
    ) => Record<string, unknown>;
    makers.set(key, make);
  }
  const rows: Record<string, unknown>[] = new Array(count);
  for (let i = 0; i < count; i++) rows[i] = make(columns, i);
  return rows;
}
