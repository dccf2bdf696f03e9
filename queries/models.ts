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
 *   store           a bare select binding $window_hours and $unit_kind: a table
 *                   holding one set of rows per post-release window and unit
 *                   kind (skipped when live)
 *
 * Every build bumps the data version in `model_state`; answers are cached by it.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  BIGINT,
  DOUBLE,
  type DuckDBConnection,
  type DuckDBResultReader,
  type DuckDBType,
  type DuckDBValue,
  INTEGER,
  VARCHAR,
} from '@duckdb/node-api';
import { memoryLimitBytes } from '../lib/config.ts';
import { outOfMemory, typesFor, withLessMemoryOnRetry } from '../lib/db.ts';
import { projectFile } from '../lib/paths.ts';

export const DEFAULT_WINDOW_HOURS = 48;

/** The windows the incident page's sensitivity table compares (queries/sensitivity.ts); held beside the default. */
export const SENSITIVITY_WINDOWS = [12, 24, 48, 72, 168] as const;

export const unitKinds = ['release', 'change', 'deployment'] as const;

/** What a read needs from the stores: the rows of one post-release window for one unit kind. */
export interface WindowNeed {
  unit: (typeof unitKinds)[number];
  window: number;
}

const kinds = ['view', 'table', 'macro', 'windowed macro', 'store'] as const;
type Materialization = (typeof kinds)[number];

export interface ModelFile {
  name: string;
  layer: string;
  materialized: Materialization;
  /** Other models this one reads (names that are not models, such as raw tables, are dropped). */
  reads: string[];
  /** A store's columns its rows are kept in order of ("Ordered by: a, b." in its header). */
  orderedBy?: string;
  /** The parameters a store binds ("Binds: $a, $b." in its header), without the $. */
  binds: string[];
  /** The columns that identify a row of a table or store ("Key: a, b." in its header; its grain). */
  key?: string[];
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
  const orderedBy = /Ordered by: ([a-z_, ]+)\./.exec(header)?.[1];
  const binds = (/Binds: ([^.]*)\./.exec(header)?.[1] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('$'))
    .map((s) => s.slice(1));
  const key = /Key: ([a-z_, ]+)\./
    .exec(header)?.[1]
    ?.split(',')
    .map((s) => s.trim());
  return { name, layer, materialized, reads, binds, sql, ...(orderedBy ? { orderedBy } : {}), ...(key ? { key } : {}) };
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
      return `create view ${m.name} as ${body}`;
    case 'table':
      return `create ${live ? 'view' : 'table'} ${m.name} as ${body}`;
    case 'macro':
      return m.sql;
    case 'windowed macro': {
      const [stored, computed] = m.sql.split(/^-- live:$/m);
      if (!computed || !stored) throw new Error(`${m.name}: a windowed macro needs a "-- live:" part`);
      return live ? computed : stored;
    }
    case 'store':
      return live ? null : `create table ${m.name} as ${body}`;
  }
};

export const stores = () => models().filter((m) => m.materialized === 'store');

/** The schema that holds one build of the models: m<n>, named after the data version that built it. */
export const versionSchema = (build: number): string => {
  if (!Number.isInteger(build) || build < 1) throw new Error(`bad data version ${build}`);
  return `m${build}`;
};

const checkedSchema = (schema: string): string => {
  if (!/^m[1-9][0-9]*$/.test(schema)) throw new Error(`bad model schema ${schema}`);
  return schema;
};

/** Resolves unqualified names in one build of the models first, then in main (raw tables). */
export async function enterSchema(conn: DuckDBConnection, schema: string): Promise<void> {
  await conn.run(`set schema = '${checkedSchema(schema)}'`);
}

/** A data version's models: where they are, and whether they are live views (the small path) or tables. */
export interface ModelVersion {
  dataVersion: number;
  /** The schema that holds its models (a refresh keeps the schema and changes its rows). */
  schema: string;
  live: boolean;
}

const afterCurrent: ((dataVersion: number) => void)[] = [];

/**
 * Registers work to start once a new data version is current (committed). The
 * hook is called and not awaited: what it starts runs beside the readers and
 * never holds up the ingest that made the version.
 */
export function afterVersionIsCurrent(hook: (dataVersion: number) => void): void {
  afterCurrent.push(hook);
}

/** Calls the afterVersionIsCurrent hooks; their failures are reported, never the ingest's. */
export function announceCurrent(dataVersion: number): void {
  for (const hook of afterCurrent) {
    try {
      hook(dataVersion);
    } catch (err) {
      console.error(`after data version ${dataVersion} became current: ${err}`);
    }
  }
}

/** The last statement of every build: one row in main.model_state makes the version current. */
export async function recordState(
  conn: DuckDBConnection,
  state: { dataVersion: number; schema: string; live: boolean; lastRunId: number; seconds: number },
): Promise<void> {
  await conn.run(
    `insert into main.model_state (data_version, schema_name, models_hash, mode, last_run_id, built_at, build_seconds)
     values ($version, $schema, $hash, $mode, $last_run, now(), $seconds)`,
    {
      version: state.dataVersion,
      schema: checkedSchema(state.schema),
      hash: modelsHash(),
      mode: state.live ? 'live' : 'materialized',
      last_run: state.lastRunId,
      seconds: state.seconds,
    },
  );
}

export const trace = (t0: number, what: string) => {
  // RELEASELENS_TRACE=1 prints how long each model takes to build and each query to answer.
  if (process.env.RELEASELENS_TRACE) {
    process.stderr.write(`  ${((performance.now() - t0) / 1000).toFixed(3)} s  ${what}\n`);
  }
};

/** The next data version, and the last ingest run a build now would include. */
export async function nextVersion(conn: DuckDBConnection): Promise<{ dataVersion: number; lastRunId: number }> {
  const next = await conn.runAndReadAll(
    `select coalesce((select max(data_version) from main.model_state), 0)::integer + 1,
            coalesce((select max(run_id) from main.ingest_runs where status = 'loaded'), 0)::integer`,
  );
  const [dataVersion, lastRunId] = (next.getRows()[0] ?? []).map(Number) as [number, number];
  return { dataVersion, lastRunId };
}

/**
 * Builds every model of a new data version in a schema of its own (m<version>):
 * views and macros, tables and stores (default window), each statement
 * committed as it goes so the next one reads committed data (DuckDB reads large
 * uncommitted tables far more slowly). Readers keep reading the previous
 * version until the last statement, one row in main.model_state, makes the new
 * one current. Schemas older than the previous one are dropped.
 * Needs a connection outside any transaction. (queries/build.ts decides between
 * this and an incremental refresh.)
 */
export async function buildModels(conn: DuckDBConnection, options: { live?: boolean } = {}): Promise<number> {
  const live = options.live ?? false;
  const t0 = performance.now();
  const previous = await modelState(conn);
  const { dataVersion: version, lastRunId } = await nextVersion(conn);
  const schema = versionSchema(version);
  await conn.run(`drop schema if exists ${schema} cascade; create schema ${schema}`);
  await enterSchema(conn, schema);
  try {
    // The (window, unit kind) pairs the stores hold; narrowed_from: the wider
    // window a narrowed one reads its other rows from (fct_attribution, which reads this table).
    await conn.run(
      'create table mat_windows (window_hours double not null, unit_kind varchar not null, narrowed_from double)',
    );
    for (const m of models()) {
      const sql = statementFor(m, live);
      if (sql === null) continue;
      const t = performance.now();
      const run = (what: string, work: () => Promise<unknown>) => withLessMemoryOnRetry(conn, what, work);
      if (m.materialized !== 'store') await run(`model ${m.name}`, () => conn.run(sql));
      else {
        // The table takes its columns from the first unit kind; the others are added to it.
        const [first, ...rest] = unitKinds;
        await run(`model ${m.name} (${first} units)`, () =>
          fillStore(conn, m, first, DEFAULT_WINDOW_HOURS, false, true),
        );
        for (const kind of rest)
          await run(`model ${m.name} (${kind} units)`, () => fillStore(conn, m, kind, DEFAULT_WINDOW_HOURS));
      }
      trace(t, `model ${m.name}`);
    }
    if (!live) {
      for (const kind of unitKinds) {
        await conn.run('insert into mat_windows values ($w, $kind, null)', { w: DEFAULT_WINDOW_HOURS, kind });
      }
      // Windows people asked for on the previous version carry over, so they need not be added while pages wait.
      for (const need of previous ? await windowsInUse(conn, previous.schema) : []) {
        const t = performance.now();
        await carryWindow(conn, need);
        trace(t, `window ${need.window} h for ${need.unit} units, carried over`);
      }
    }
    await recordState(conn, {
      dataVersion: version,
      schema,
      live,
      lastRunId,
      seconds: (performance.now() - t0) / 1000,
    });
  } finally {
    await conn.run("set schema = 'main'");
  }
  const keep = previous ? Number(previous.schema.slice(1)) : version;
  const old = await conn.runAndReadAll(
    `select schema_name from information_schema.schemata
     where regexp_full_match(schema_name, 'm[0-9]+') and cast(substr(schema_name, 2) as integer) < $keep`,
    { keep },
  );
  for (const [name] of old.getRows())
    await conn.run(`drop schema if exists ${versionSchema(Number(String(name).slice(1)))} cascade`);
  trace(t0, `models of data version ${version}`);
  return version;
}

/**
 * Fills the stores of a new build for a window the previous one held. Its
 * statements commit one by one (fillWindow), so rows of an attempt that
 * failed are removed before the next one; a window that does not fit in
 * memory even so is left out, and added when a page first asks for it.
 */
async function carryWindow(conn: DuckDBConnection, need: WindowNeed): Promise<void> {
  const at = { w: need.window, kind: need.unit };
  const clear = async () => {
    for (const m of stores()) await conn.run(`delete from ${m.name} where window_hours = $w and unit_kind = $kind`, at);
    await conn.run('delete from mat_windows where window_hours = $w and unit_kind = $kind', at);
    await conn.run('delete from refresh_incidents');
  };
  const what = `window ${need.window} h for ${need.unit} units`;
  try {
    await withLessMemoryOnRetry(conn, what, async () => {
      await clear();
      await fillWindow(conn, need);
    });
  } catch (err) {
    await clear();
    if (!outOfMemory(err)) throw err;
    console.error(
      `${what} not carried over (${(err as Error).message.split('\n')[0]}); it is added when a page asks for it`,
    );
  }
}

/** At most this many windows other than the default carry over to a new data version (each costs seconds at scale). */
const CARRIED_WINDOWS = 6;

/** The (window, unit kind) pairs other than the default that a build of the models holds, in the order they were added. */
async function windowsInUse(conn: DuckDBConnection, schema: string): Promise<WindowNeed[]> {
  const exists = await conn.runAndReadAll(
    `select 1 from information_schema.tables where table_schema = $schema and table_name = 'mat_windows'`,
    { schema: checkedSchema(schema) },
  );
  if (exists.getRows().length === 0) return [];
  const rows = await conn.runAndReadAll(
    `select window_hours, unit_kind from ${schema}.mat_windows
     where window_hours <> $default order by rowid limit $max`,
    { default: DEFAULT_WINDOW_HOURS, max: CARRIED_WINDOWS },
    { max: BIGINT },
  );
  return rows
    .getRows()
    .map(([w, kind]) => ({ window: Number(w), unit: String(kind) as WindowNeed['unit'] }))
    .filter((n) => unitKinds.includes(n.unit));
}

/**
 * The parts a store that binds $from and $to computes its incidents in: id
 * ranges [from, to) of about 384 bytes of DuckDB's memory limit each (at a
 * command's default 448MB, 1.17 million incidents), cut at quantiles of a sample of
 * the ids. In one statement the attribution of one unit kind of ten million
 * incidents needed more than that limit, and DuckDB ran out of memory in some
 * runs and not in others; in parts of 1.7 and of 2.5 million it never did
 * (decision 028). A range of ids is a filter DuckDB applies while it scans.
 */
async function incidentParts(conn: DuckDBConnection): Promise<{ from: string; to: string | null }[]> {
  const [[count]] = (await conn.runAndReadAll('select count(*) from stg_incidents')).getRows() as [[bigint]];
  const parts = Math.ceil(Number(count) / Math.floor(memoryLimitBytes() / 384));
  if (parts <= 1) return [{ from: '', to: null }];
  const cuts = (
    await conn.runAndReadAll(
      `select distinct unnest(quantile_disc(incident_id, [i / $parts for i in range(1, $parts)])) as cut
       from (select incident_id from stg_incidents using sample reservoir(20000 rows) repeatable (1))
       order by cut`,
      { parts },
      { parts: INTEGER },
    )
  )
    .getRows()
    .map(([cut]) => String(cut));
  return [...cuts, null].map((to, i) => ({ from: i === 0 ? '' : (cuts[i - 1] as string), to }));
}

/**
 * Adds the rows of one (window, unit kind) to a store (`create`: creates the
 * store with them); `refresh`: only those of an incremental refresh
 * (refresh.ts). A store with an order computes its rows first, in as many
 * parts as memory needs (incidentParts), and sorts them on their own: sorted
 * in the same statement, the sort's rows and the attribution's joins held
 * memory together, and at ten million incidents each kind ran out of it
 * twice (decision 025). A refresh's rows are few and sorted as they are
 * computed.
 */
export async function fillStore(
  conn: DuckDBConnection,
  m: ModelFile,
  kind: string,
  windowHours: number,
  refresh = false,
  create = false,
): Promise<void> {
  const select = m.sql.trim().replace(/;$/, '');
  const inParts = m.binds.includes('from');
  const whole = { from: '', to: null };
  const params = (part: { from: string; to: string | null }) => ({
    window_hours: windowHours,
    unit_kind: kind,
    refresh,
    ...(inParts ? part : {}),
  });
  const types = inParts ? { to: VARCHAR } : {};
  const into = (rows: string) => (create ? `create table ${m.name} as ${rows}` : `insert into ${m.name} ${rows}`);
  if (!m.orderedBy) {
    await conn.run(into(select), params(whole), types);
    return;
  }
  if (refresh) {
    // a refresh's few rows, in the caller's transaction (a temp table written there is read slowly)
    await conn.run(into(`${select}\norder by ${m.orderedBy}`), params(whole), types);
    return;
  }
  const t = performance.now();
  const [first, ...rest] = inParts ? await incidentParts(conn) : [whole];
  await conn.run(`create or replace temp table store_rows as ${select}`, params(first ?? whole), types);
  try {
    for (const part of rest) await conn.run(`insert into store_rows ${select}`, params(part), types);
    trace(t, `  ${m.name}, ${kind} units: computed in ${rest.length + 1} part(s)`);
    await conn.run(into(`select * from store_rows order by ${m.orderedBy}`));
    trace(t, `  ${m.name}, ${kind} units: sorted into the store`);
  } finally {
    await conn.run('drop table if exists store_rows');
  }
}

/**
 * Fills every store for one more (window, unit kind) and records it in
 * mat_windows. A window narrower than one the stores hold in full for that
 * kind is narrowed from the wider one (decision 021): a narrower window's
 * candidates are a subset of the wider one's, so a winner that still reaches
 * the incident stays the winner, a confirmed link does not depend on the
 * window, and an incident no unit reached stays unattributed. The store then
 * keeps only the rest, the incidents whose winner no longer reaches them,
 * attributed again as a refresh attributes its incidents (int_attribution
 * over refresh_incidents); fct_attribution reads the others from the wider
 * window's rows instead of a copy of them.
 */
async function fillWindow(conn: DuckDBConnection, need: WindowNeed): Promise<void> {
  const at = { w: need.window, kind: need.unit };
  const [[wider]] = (
    await conn.runAndReadAll(
      `select min(window_hours) from mat_windows
       where unit_kind = $kind and window_hours > $w and narrowed_from is null`,
      at,
    )
  ).getRows() as [[number | null]];
  // recorded first: the unit windows read the narrowed window's attribution through it
  await conn.run('insert into mat_windows values ($w, $kind, $wider)', { ...at, wider }, { wider: DOUBLE });
  for (const m of stores()) {
    const t = performance.now();
    if (m.name !== 'mat_attribution' || wider === null) {
      await fillStore(conn, m, need.unit, need.window);
      trace(t, `window: ${m.name}`);
      continue;
    }
    await conn.run(
      `insert into refresh_incidents select a.incident_id from mat_attribution a
       where a.window_hours = $wider and a.unit_kind = $kind
         and not still_reaches(a.rule, a.opened_at, a.golive_at, $w)`,
      { ...at, wider },
    );
    trace(t, 'window: the incidents whose winner no longer reaches them');
    await fillStore(conn, m, need.unit, need.window, true);
    await conn.run('delete from refresh_incidents');
    trace(t, 'window: those attributed again');
  }
}

/**
 * After the attribution of a narrowed window's incidents in refresh_incidents
 * (a refresh's changed incidents): removes the rows of those whose winner at
 * the wider window, just refreshed, still reaches them; fct_attribution reads
 * those from the wider window.
 */
export async function keepOnlyNarrowed(conn: DuckDBConnection, need: WindowNeed, wider: number): Promise<void> {
  await conn.run(
    `delete from mat_attribution o
     where o.window_hours = $w and o.unit_kind = $kind
       and o.incident_id in (select incident_id from refresh_incidents)
       and exists (
         select 1 from mat_attribution a
         where a.window_hours = $wider and a.unit_kind = $kind and a.incident_id = o.incident_id
           and still_reaches(a.rule, a.opened_at, a.golive_at, $w)
       )`,
    { w: need.window, kind: need.unit, wider },
  );
}

/** Adds one more (window, unit kind) to every store of a (materialized) build, in the caller's transaction. */
export async function addWindow(conn: DuckDBConnection, schema: string, need: WindowNeed): Promise<void> {
  await enterSchema(conn, schema);
  try {
    await fillWindow(conn, need);
  } finally {
    await conn.run("set schema = 'main'");
  }
}

/**
 * The (window, unit kind) pairs a build holds with the wider window each was
 * narrowed from (null: filled in full), in the order they were added.
 */
export async function heldWindows(
  conn: DuckDBConnection,
  schema: string,
): Promise<(WindowNeed & { narrowedFrom: number | null })[]> {
  const rows = await conn.runAndReadAll(
    `select window_hours, unit_kind, narrowed_from from ${checkedSchema(schema)}.mat_windows order by rowid`,
  );
  return rows.getRows().map(([w, kind, from]) => ({
    window: Number(w),
    unit: String(kind) as WindowNeed['unit'],
    narrowedFrom: from === null ? null : Number(from),
  }));
}

/** Removes one (window, unit kind) from every store of a build (the caller made sure no held window is narrowed from it). */
export async function dropWindow(conn: DuckDBConnection, schema: string, need: WindowNeed): Promise<void> {
  const at = { w: need.window, kind: need.unit };
  await enterSchema(conn, schema);
  try {
    for (const m of stores()) await conn.run(`delete from ${m.name} where window_hours = $w and unit_kind = $kind`, at);
    await conn.run('delete from mat_windows where window_hours = $w and unit_kind = $kind', at);
  } finally {
    await conn.run("set schema = 'main'");
  }
}

export interface ModelState {
  dataVersion: number;
  /** The schema that holds its models. */
  schema: string;
  hash: string;
  mode: 'live' | 'materialized';
  lastRunId: number;
}

/** The current data version, and whether ingest runs have loaded data since it was built. */
export async function modelState(conn: DuckDBConnection): Promise<(ModelState & { stale: boolean }) | null> {
  const row = (
    await conn.runAndReadAll(
      `select data_version::integer as v, coalesce(schema_name, 'm' || data_version) as schema_name, models_hash, mode, last_run_id,
         coalesce((select max(run_id) from main.ingest_runs where status = 'loaded'), 0) > last_run_id as stale
       from main.model_state order by data_version desc limit 1`,
    )
  ).getRowObjectsJS()[0];
  if (!row) return null;
  return {
    dataVersion: Number(row.v),
    schema: checkedSchema(String(row.schema_name)),
    hash: String(row.models_hash),
    mode: row.mode as ModelState['mode'],
    lastRunId: Number(row.last_run_id),
    stale: Boolean(row.stale),
  };
}

export async function hasWindow(conn: DuckDBConnection, schema: string, need: WindowNeed): Promise<boolean> {
  const rows = await conn.runAndReadAll(
    `select 1 from ${checkedSchema(schema)}.mat_windows where window_hours = $w and unit_kind = $kind`,
    { w: need.window, kind: need.unit },
  );
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
