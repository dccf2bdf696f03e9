/**
 * After an ingest: refresh the current build of the models in place when only
 * incidents changed (the hourly export of an ITSM), else build them whole.
 *
 * A refresh runs in one transaction on the current schema, so readers see the
 * state before it or after it (DuckDB's MVCC), and records the new data version
 * in the same transaction:
 *   1. which staging rows changed: for every staging model, the rows of the
 *      records ingested since the last build are computed again from the raw
 *      tables and compared with the stored ones (a re-sent export changes
 *      nothing);
 *   2. a change to anything but incidents, or too many changed incidents:
 *      a whole build instead (buildModels);
 *   3. the changed incidents' staging rows and confirmed links are replaced;
 *   4. for every (window, unit kind) the stores hold, their attribution is
 *      computed again (an incident's attribution depends only on its own
 *      record and the units), then the window figures of the units they left
 *      or joined and of the units whose 28-day baseline they fall in.
 * The numbers equal a whole build's (test/queries/refresh.test.ts).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  buildModels,
  enterSchema,
  fillStore,
  keepOnlyNarrowed,
  type ModelFile,
  type ModelState,
  modelState,
  models,
  modelsHash,
  nextVersion,
  prepareNext,
  recordState,
  stores,
  trace,
  type WindowNeed,
} from './models.ts';

/** The column that names a record in each staging model (all rows of a record share it). */
const recordKeys: Record<string, string> = {
  stg_incidents: 'incident_id',
  stg_releases: 'release_id',
  stg_changes: 'change_id',
  stg_change_cis: 'change_id',
  stg_deployments: 'deployment_id',
  stg_freeze_windows: 'window_id',
  stg_surveys: 'response_id',
};

/** The staging models that copy raw tables, with their record key and the raw tables they read. */
export function stagedModels(): { model: ModelFile; key: string; raws: string[] }[] {
  return models()
    .filter((m) => m.layer === 'staging' && m.reads.some((r) => r.startsWith('raw_')))
    .map((model) => {
      const key = recordKeys[model.name];
      if (!key) throw new Error(`queries/refresh.ts: no record key for the staging model ${model.name}`);
      return { model, key, raws: model.reads.filter((r) => r.startsWith('raw_')) };
    });
}

/** More changed incidents than this (or than a quarter of all) and a whole build is the faster way. */
const MAX_REFRESHED_INCIDENTS = 100_000;

const selectOf = (m: ModelFile) => `(${m.sql.trim().replace(/;$/, '')}\n)`;

/** The keys of the records whose staging rows differ from what the raw tables now give ($last: the last run built). */
function changedKeysSql(m: ModelFile, key: string, raws: string[]): string {
  const touched = raws.map((r) => `select ${key} from main.${r} where ingest_run_id > $last`).join(' union ');
  return `with touched as (${touched}),
    fresh as (select * from ${selectOf(m)} where ${key} in (select ${key} from touched)),
    kept as (select * from ${m.name} where ${key} in (select ${key} from touched))
    select distinct ${key} from ((from fresh except from kept) union all (from kept except from fresh))`;
}

/**
 * Refreshes the current build in place when only incidents changed since it
 * was built; returns the new data version, or null when a whole build is needed
 * (nothing was written then). Needs a connection outside any transaction.
 */
export async function refreshModels(conn: DuckDBConnection, state: ModelState): Promise<number | null> {
  const t0 = performance.now();
  const { dataVersion, lastRunId } = await nextVersion(conn);
  const last = { last: state.lastRunId };
  await conn.run('begin transaction');
  let done = false;
  try {
    await enterSchema(conn, state.schema);
    // 1-2. What changed since the build.
    let incidents: ModelFile | undefined;
    for (const { model, key, raws } of stagedModels()) {
      const anyTouched = raws.map((r) => `select 1 from main.${r} where ingest_run_id > $last`).join(' union all ');
      if ((await conn.runAndReadAll(`select exists (${anyTouched})`, last)).getRows()[0]?.[0] !== true) continue;
      if (model.name === 'stg_incidents') {
        incidents = model;
        await conn.run(`insert into refresh_incidents ${changedKeysSql(model, key, raws)}`, last);
        continue;
      }
      const changed = await conn.runAndReadAll(`select count(*) from (${changedKeysSql(model, key, raws)})`, last);
      if (Number(changed.getRows()[0]?.[0]) > 0) {
        trace(t0, `refresh: ${model.name} changed, the models are built whole`);
        return null;
      }
    }
    const [[changedCount, allCount]] = (
      await conn.runAndReadAll('select (select count(*) from refresh_incidents), (select count(*) from stg_incidents)')
    ).getRows() as [[bigint, bigint]];
    if (Number(changedCount) > Math.min(MAX_REFRESHED_INCIDENTS, Number(allCount) / 4)) {
      trace(t0, `refresh: ${changedCount} incidents changed, the models are built whole`);
      return null;
    }
    if (incidents && Number(changedCount) > 0) await refreshIncidents(conn, incidents);
    // 5. The new version: prepared answers read it inside this transaction, then it becomes current.
    await conn.run('delete from refresh_units; delete from refresh_incidents');
    await prepareNext({ dataVersion, schema: state.schema, live: false, conn });
    await recordState(conn, {
      dataVersion,
      schema: state.schema,
      live: false,
      lastRunId,
      seconds: (performance.now() - t0) / 1000,
    });
    await conn.run('commit');
    done = true;
    trace(t0, `refresh: data version ${dataVersion}, ${changedCount} incidents changed`);
    return dataVersion;
  } finally {
    if (!done) await conn.run('rollback').catch(() => {});
    await conn.run("set schema = 'main'");
  }
}

/** Steps 3 and 4 for the incidents in refresh_incidents. */
async function refreshIncidents(conn: DuckDBConnection, stg: ModelFile): Promise<void> {
  const changed = 'incident_id in (select incident_id from refresh_incidents)';
  const t = performance.now();
  // Units whose baseline counts a changed incident, before or after the change:
  // a background incident at t counts for units of its service starting in (t, t + 28 days]
  // (29 days: a calendar day may be 23 or 25 hours long in the session's time zone).
  await conn.run(`insert into refresh_units
    with keys as (
      select service, opened_at from stg_incidents where ${changed}
      union all
      select service, opened_at from ${selectOf(stg)} where ${changed}
    )
    select distinct u.unit_kind, u.unit_id
    from fct_units u join keys k
      on u.service = k.service and u.start_at > k.opened_at and u.start_at <= k.opened_at + interval 29 day
    where u.is_completed`);
  // Units the changed incidents are attributed to now, in any window (they may leave them).
  await conn.run(`insert into refresh_units select distinct unit_kind, unit_id from mat_attribution where ${changed}`);
  await conn.run(`delete from stg_incidents where ${changed}`);
  await conn.run(`insert into stg_incidents select * from ${selectOf(stg)} where ${changed}`);
  const [[raw, staged]] = (
    await conn.runAndReadAll('select (select count(*) from main.raw_incidents), (select count(*) from stg_incidents)')
  ).getRows() as [[bigint, bigint]];
  if (raw !== staged) throw new Error(`stg_incidents holds ${staged} incidents, raw_incidents ${raw}`);
  await conn.run(`delete from fct_confirmed_links where record_kind = 'incident' and record_id in
    (select incident_id from refresh_incidents)`);
  await conn.run('insert into fct_confirmed_links select * from int_confirmed_links(true)');
  trace(t, 'refresh: staging and confirmed links');

  // windows held in full first: a narrowed one's rows depend on its wider window's
  const held = (
    await conn.runAndReadAll(
      'select window_hours, unit_kind, narrowed_from from mat_windows order by narrowed_from is not null, rowid',
    )
  ).getRows();
  const [attribution, unitWindows] = [storeNamed('mat_attribution'), storeNamed('mat_unit_windows')];
  for (const [w, kind, wider] of held) {
    const t1 = performance.now();
    const at = { w: Number(w), kind: String(kind) };
    await conn.run(`delete from mat_attribution where window_hours = $w and unit_kind = $kind and ${changed}`, at);
    await fillStore(conn, attribution, at.kind, at.w, true);
    if (wider !== null)
      await keepOnlyNarrowed(conn, { window: at.w, unit: at.kind as WindowNeed['unit'] }, Number(wider));
    trace(t1, `refresh: attribution, ${at.kind} units, ${at.w} h`);
  }
  // Units the changed incidents joined.
  await conn.run(`insert into refresh_units select distinct unit_kind, unit_id from mat_attribution where ${changed}`);
  for (const [w, kind] of held) {
    const t1 = performance.now();
    const at = { w: Number(w), kind: String(kind) };
    await conn.run(
      `delete from mat_unit_windows where window_hours = $w and unit_kind = $kind
         and unit_id in (select unit_id from refresh_units where unit_kind = $kind)`,
      at,
    );
    await fillStore(conn, unitWindows, at.kind, at.w, true);
    trace(t1, `refresh: unit windows, ${at.kind} units, ${at.w} h`);
  }
}

const storeNamed = (name: string): ModelFile => {
  const m = stores().find((s) => s.name === name);
  if (!m) throw new Error(`no store ${name}`);
  return m;
};

/**
 * Brings the models up to the data after an ingest: a refresh in place when
 * only incidents changed, else a whole build (always, with live: views and
 * macros that compute on every query). Returns the new data version.
 */
export async function updateModels(conn: DuckDBConnection, options: { live?: boolean } = {}): Promise<number> {
  const state = await modelState(conn);
  if (!options.live && state?.mode === 'materialized' && state.hash === modelsHash()) {
    try {
      const version = await refreshModels(conn, state);
      if (version !== null) return version;
    } catch (err) {
      console.error(`refreshing the models failed (${(err as Error).message}); building them whole`);
    }
  }
  return buildModels(conn, options);
}
