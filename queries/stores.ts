/**
 * The stores: tables holding one set of rows per post-release window and unit
 * kind, filled for the default window by every build and for another window on
 * first use, carried to the next version, narrowed from a wider window
 * (decision 021), and dropped to stay within a bound (decision 036).
 */
import { BIGINT, DOUBLE, type DuckDBConnection, INTEGER, VARCHAR } from '@duckdb/node-api';
import { memoryLimitBytes } from '../lib/config.ts';
import { outOfMemory, withLessMemoryOnRetry } from '../lib/db.ts';
import { DEFAULT_WINDOW_HOURS, type ModelFile, stores, unitKinds, type WindowNeed } from './catalogue.ts';
import { trace } from './trace.ts';
import { checkedSchema, enterSchema } from './versions.ts';

/**
 * Fills the stores of a new build for a window the previous one held. Its
 * statements commit one by one (fillWindow), so rows of an attempt that
 * failed are removed before the next one; a window that does not fit in
 * memory even so is left out, and added when a page first asks for it.
 */
export async function carryWindow(conn: DuckDBConnection, need: WindowNeed): Promise<void> {
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
export async function windowsInUse(conn: DuckDBConnection, schema: string): Promise<WindowNeed[]> {
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

export async function hasWindow(conn: DuckDBConnection, schema: string, need: WindowNeed): Promise<boolean> {
  const rows = await conn.runAndReadAll(
    `select 1 from ${checkedSchema(schema)}.mat_windows where window_hours = $w and unit_kind = $kind`,
    { w: need.window, kind: need.unit },
  );
  return rows.getRows().length > 0;
}
