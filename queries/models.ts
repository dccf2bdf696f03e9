/**
 * Applies the SQL models in `queries/` (views and table macros) to a
 * connection, and runs the parameterised `kpi_*` queries. The model files are
 * the only SQL; this module only orders and executes them.
 */
import fs from 'node:fs';
import {
  type DuckDBConnection,
  DuckDBListValue,
  type DuckDBType,
  type DuckDBValue,
  LIST,
  VARCHAR,
} from '@duckdb/node-api';
import { ensureSchema } from '../ingest/schema.ts';
import { databasePath, instance } from '../lib/db.ts';
import { projectFile } from '../lib/paths.ts';

/** Dependency order: staging, then facts that read earlier facts. */
export const modelOrder = [
  'stg_releases',
  'stg_changes',
  'stg_deployments',
  'stg_incidents',
  'stg_freeze_windows',
  'stg_change_cis',
  'fct_units',
  'fct_unit_cis',
  'fct_confirmed_links',
  'fct_attribution',
  'fct_unit_outcomes',
  'fct_unit_baseline',
  'fct_unit_rows',
  'fct_scoped_units',
  'dim_period',
] as const;

const sqlCache = new Map<string, string>();

export function readModel(name: string): string {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`bad model name ${name}`);
  let sql = sqlCache.get(name);
  if (sql === undefined) {
    sql = fs.readFileSync(projectFile('queries', `${name}.sql`), 'utf8');
    sqlCache.set(name, sql);
  }
  return sql;
}

/** Per database file (fromCache hands out a new wrapper object each call). */
const applied = new Map<string, Promise<void>>();

async function applyModels(db: Awaited<ReturnType<typeof instance>>): Promise<void> {
  const conn = await db.connect();
  try {
    await ensureSchema(conn);
    for (const name of modelOrder) await conn.run(readModel(name));
  } finally {
    conn.closeSync();
  }
}

/**
 * Runs `work` on a fresh connection to the process's database, after creating
 * the raw tables (if needed) and every view and macro: once per instance, and
 * concurrent callers wait for that one run.
 */
export async function withModels<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const db = await instance();
  const key = databasePath();
  let ready = applied.get(key);
  if (!ready) {
    ready = applyModels(db);
    applied.set(key, ready);
    ready.catch(() => applied.delete(key));
  }
  await ready;
  const conn = await db.connect();
  try {
    return await work(conn);
  } finally {
    conn.closeSync();
  }
}

/** Bound lists of text (or empty lists, whose item type DuckDB cannot infer) are typed VARCHAR[]. */
export function typesFor(params: Record<string, DuckDBValue>): Record<string, DuckDBType> {
  const types: Record<string, DuckDBType> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value instanceof DuckDBListValue && (value.items.length === 0 || typeof value.items[0] === 'string')) {
      types[key] = LIST(VARCHAR);
    }
  }
  return types;
}

/** Runs one parameterised model query and returns plain JS rows. */
export async function runQuery(
  conn: DuckDBConnection,
  name: string,
  params: Record<string, DuckDBValue>,
): Promise<Record<string, unknown>[]> {
  const reader = await conn.runAndReadAll(readModel(name), params, typesFor(params));
  return reader.getRowObjectsJS() as Record<string, unknown>[];
}
