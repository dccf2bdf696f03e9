/**
 * The model layer: the `.sql` files under `queries/models/`, built in the order
 * their `Reads:` headers give, either materialized (tables filled once per
 * build, the default) or live (views and macros that compute on every query;
 * the reference the materialized path is tested against). Each file states its
 * materialization in its header:
 *
 *   view            a bare select, created as a view (staging)
 *   table           a bare select, a table when materialized, a view when live
 *   macro           a complete `create macro` statement
 *   windowed macro  two `create macro` statements split by `-- live:`; the
 *                   first reads a store, the second computes
 *   store           a bare select binding $window_hours: a table holding one
 *                   set of rows per post-release window (skipped when live)
 *
 * Every build bumps the data version in `model_state`; answers are cached by it.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  type DuckDBConnection,
  DuckDBListValue,
  type DuckDBType,
  type DuckDBValue,
  LIST,
  VARCHAR,
} from '@duckdb/node-api';
import { projectFile } from '../lib/paths.ts';

export const DEFAULT_WINDOW_HOURS = 48;

const kinds = ['view', 'table', 'macro', 'windowed macro', 'store'] as const;
type Materialization = (typeof kinds)[number];

export interface ModelFile {
  name: string;
  layer: string;
  materialized: Materialization;
  /** Other models this one reads (names that are not models, such as raw tables, are dropped). */
  reads: string[];
  sql: string;
}

const modelLayers = ['macros', 'staging', 'facts', 'stores'];

function parseModel(layer: string, file: string): ModelFile {
  const name = path.basename(file, '.sql');
  const sql = fs.readFileSync(file, 'utf8');
  const header = sql
    .split('\n')
    .filter((l) => l.startsWith('--'))
    .join(' ');
  const materialized = /Materialized: ([a-z ]+?)\./.exec(header)?.[1] as Materialization | undefined;
  if (!materialized || !kinds.includes(materialized)) throw new Error(`${file}: header lacks "Materialized: <kind>."`);
  const reads = (/Reads: ([^.]*)\./.exec(header)?.[1] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s && s !== 'nothing');
  return { name, layer, materialized, reads, sql };
}

let cachedModels: ModelFile[] | undefined;

/** Every model file, in an order where each comes after the models it reads. */
export function models(): ModelFile[] {
  if (cachedModels) return cachedModels;
  const all = modelLayers.flatMap((layer) => {
    const dir = projectFile('queries', 'models', layer);
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .sort()
      .map((f) => parseModel(layer, path.join(dir, f)));
  });
  cachedModels = buildOrder(all);
  return cachedModels;
}

/** Topological order over the `Reads:` headers; throws on a cycle. */
export function buildOrder(all: ModelFile[]): ModelFile[] {
  const byName = new Map(all.map((m) => [m.name, m]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: ModelFile[] = [];
  const visit = (m: ModelFile) => {
    if (done.has(m.name)) return;
    if (visiting.has(m.name)) throw new Error(`models read each other in a circle through ${m.name}`);
    visiting.add(m.name);
    for (const dep of m.reads) {
      const d = byName.get(dep);
      if (d) visit(d);
    }
    visiting.delete(m.name);
    done.add(m.name);
    out.push(m);
  };
  for (const m of all) visit(m);
  return out;
}

/** One hash over every model file: a build made from other SQL is rebuilt. */
export function modelsHash(): string {
  const h = createHash('sha256');
  for (const m of models()) h.update(`${m.layer}/${m.name}\n${m.sql}\n`);
  return h.digest('hex').slice(0, 16);
}

const statementFor = (m: ModelFile, live: boolean): string | null => {
  const body = m.sql.trim().replace(/;$/, '');
  switch (m.materialized) {
    case 'view':
      return `create or replace view ${m.name} as ${body}`;
    case 'table':
      return `create or replace ${live ? 'view' : 'table'} ${m.name} as ${body}`;
    case 'macro':
      return m.sql;
    case 'windowed macro': {
      const [stored, computed] = m.sql.split(/^-- live:$/m);
      if (!computed || !stored) throw new Error(`${m.name}: a windowed macro needs a "-- live:" part`);
      return live ? computed : stored;
    }
    case 'store':
      return live ? null : `create or replace table ${m.name} as ${body}`;
  }
};

export const stores = () => models().filter((m) => m.materialized === 'store');

/**
 * Creates every view and macro and fills every table and store (default
 * window), then records a new data version. Runs on the caller's connection
 * and transaction: the ingest calls it before it commits, so readers see the
 * new data and its models together.
 */
export async function buildModels(conn: DuckDBConnection, options: { live?: boolean } = {}): Promise<number> {
  const live = options.live ?? false;
  const t0 = performance.now();
  for (const m of models()) {
    const sql = statementFor(m, live);
    if (sql === null) continue;
    if (m.materialized === 'table') await dropOtherKind(conn, m.name, live ? 'VIEW' : 'BASE TABLE');
    await conn.run(sql, m.materialized === 'store' ? { window_hours: DEFAULT_WINDOW_HOURS } : undefined);
  }
  await conn.run('delete from mat_windows');
  if (!live) await conn.run('insert into mat_windows values ($w)', { w: DEFAULT_WINDOW_HOURS });
  const rows = await conn.runAndReadAll(
    `insert into model_state
     select coalesce((select max(data_version) from model_state), 0) + 1, $hash, $mode, now(), $seconds
     returning data_version::integer`,
    {
      hash: modelsHash(),
      mode: live ? 'live' : 'materialized',
      seconds: (performance.now() - t0) / 1000,
    },
  );
  return Number(rows.getRows()[0]?.[0]);
}

/** A model built as a table before and as a view now (or the other way round) is dropped first. */
async function dropOtherKind(conn: DuckDBConnection, name: string, wanted: 'VIEW' | 'BASE TABLE'): Promise<void> {
  const rows = await conn.runAndReadAll(
    `select table_type from information_schema.tables where table_schema = 'main' and table_name = $name`,
    { name },
  );
  const existing = rows.getRows()[0]?.[0];
  if (existing === undefined || existing === wanted) return;
  await conn.run(`drop ${existing === 'VIEW' ? 'view' : 'table'} ${name} cascade`);
}

/** Adds one more window to every store (materialized builds only), in the caller's transaction. */
export async function addWindow(conn: DuckDBConnection, windowHours: number): Promise<void> {
  for (const m of stores()) {
    await conn.run(`insert into ${m.name} ${m.sql.trim().replace(/;$/, '')}`, { window_hours: windowHours });
  }
  await conn.run('insert into mat_windows values ($w)', { w: windowHours });
}

export interface ModelState {
  dataVersion: number;
  hash: string;
  mode: 'live' | 'materialized';
}

export async function modelState(conn: DuckDBConnection): Promise<ModelState | null> {
  const row = (
    await conn.runAndReadAll(
      'select data_version::integer as v, models_hash, mode from model_state order by data_version desc limit 1',
    )
  ).getRowObjectsJS()[0];
  if (!row) return null;
  return { dataVersion: Number(row.v), hash: String(row.models_hash), mode: row.mode as ModelState['mode'] };
}

export async function hasWindow(conn: DuckDBConnection, windowHours: number): Promise<boolean> {
  const rows = await conn.runAndReadAll('select 1 from mat_windows where window_hours = $w', { w: windowHours });
  return rows.getRows().length > 0;
}

const sqlCache = new Map<string, string>();

/** The SQL of a parameterised query in `queries/kpis/` or `queries/pages/` (by name). */
export function readQuery(name: string): string {
  if (!/^(kpi|data|detail)_[a-z_]+$/.test(name)) throw new Error(`bad query name ${name}`);
  let sql = sqlCache.get(name);
  if (sql === undefined) {
    sql = fs.readFileSync(projectFile('queries', name.startsWith('kpi_') ? 'kpis' : 'pages', `${name}.sql`), 'utf8');
    sqlCache.set(name, sql);
  }
  return sql;
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

/** Runs one parameterised query and returns plain JS rows. */
export async function runQuery(
  conn: DuckDBConnection,
  name: string,
  params: Record<string, DuckDBValue>,
): Promise<Record<string, unknown>[]> {
  const reader = await conn.runAndReadAll(readQuery(name), params, typesFor(params));
  return reader.getRowObjectsJS() as Record<string, unknown>[];
}
