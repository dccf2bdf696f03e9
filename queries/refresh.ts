/**
 * After an ingest: refresh the current build of the models in place when a
 * small part of the data changed (the hourly export of an ITSM), else build
 * them whole.
 *
 * A refresh runs in one transaction on the current schema, so readers see the
 * state before it or after it (DuckDB's MVCC), and records the new data version
 * in the same transaction:
 *   1. which staging rows changed: for every staging model, the rows of the
 *      records ingested since the last build are computed again from the raw
 *      tables and compared with the stored ones (a re-sent export changes
 *      nothing); too many changed records: a whole build instead (buildModels);
 *   2. changed incidents: the units whose window figures they touch are noted,
 *      then their staging rows and confirmed links are replaced (an incident
 *      whose reviews changed, stg_link_reviews, counts as changed: its
 *      attribution is computed again, its record is not restaged);
 *   3. changed releases, changes, deployments, freeze windows or surveys
 *      (decision 030): their staging rows are replaced, then every fact table
 *      is computed again and compared row by row with the stored one (so no
 *      rule of which unit depends on which record is written twice); the rows
 *      that differ are replaced, and they name the units whose window figures
 *      change and the incidents whose attribution may change (those attributed
 *      to a changed unit, those on its service or CIs inside its window, those
 *      whose confirmed link changed);
 *   4. for every (window, unit kind) the stores hold, the attribution of those
 *      incidents is computed again (an incident's attribution depends only on
 *      its own record and the units), then the window figures of the units
 *      they left or joined, of the units whose 28-day baseline they fall in,
 *      and of the changed units.
 * The numbers equal a whole build's (test/queries/refresh.test.ts).
 * (Over 300 lines because it is one algorithm: the steps above, in order, one
 * function each; apart they would hide the order that makes them correct.)
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { type ModelFile, models, modelsHash, stores, type WindowNeed } from './catalogue.ts';
import { buildModels } from './fullBuild.ts';
import { fillStore, keepOnlyNarrowed } from './stores.ts';
import { trace } from './trace.ts';
import { announceCurrent } from './versionSwitch.ts';
import { enterSchema, type ModelState, modelState, nextVersion, recordState } from './versions.ts';

/** The column that names a record in each staging model (all rows of a record share it). */
const recordKeys: Record<string, string> = {
  stg_incidents: 'incident_id',
  stg_releases: 'release_id',
  stg_changes: 'change_id',
  stg_change_cis: 'change_id',
  stg_deployments: 'deployment_id',
  stg_freeze_windows: 'window_id',
  stg_surveys: 'response_id',
  stg_link_reviews: 'incident_id',
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

/**
 * What a changed row of a fact table asks a refresh to recompute:
 *   attribution: the unit's incidents (attributed to it, or on its keys inside its window) and its window figures;
 *   windows:     the unit's window figures (int_unit_windows carries the table's columns);
 *   incidents:   the linked incident's attribution (fct_confirmed_links);
 *   nothing:     the table is read by KPI queries alone.
 */
type Recompute = 'attribution' | 'windows' | 'incidents' | 'nothing';

/** The columns that name a row of each fact table, and what a changed row asks to recompute. */
const factRefresh: Record<string, { key: string[]; recompute: Recompute }> = {
  fct_units: { key: ['unit_kind', 'unit_id'], recompute: 'attribution' },
  fct_unit_cis: { key: ['unit_kind', 'unit_id', 'ci'], recompute: 'attribution' },
  fct_confirmed_links: { key: ['record_kind', 'record_id', 'unit_kind'], recompute: 'incidents' },
  fct_collisions: { key: ['unit_kind', 'unit_id'], recompute: 'windows' },
  fct_unit_risk: { key: ['unit_kind', 'unit_id'], recompute: 'windows' },
  fct_unit_surveys: { key: ['unit_kind', 'unit_id'], recompute: 'nothing' },
};

/** The fact tables a build makes (in build order), with their row keys; refresh_units is the refresh's own. */
export function factTables(): { model: ModelFile; key: string[]; recompute: Recompute }[] {
  return models()
    .filter((m) => m.layer === 'facts' && m.materialized === 'table' && !m.name.startsWith('refresh_'))
    .map((model) => {
      const refresh = factRefresh[model.name];
      if (!refresh) throw new Error(`queries/refresh.ts: no row key for the fact table ${model.name}`);
      return { model, ...refresh };
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

const count = async (conn: DuckDBConnection, sql: string, params?: Record<string, number>): Promise<number> =>
  Number((await conn.runAndReadAll(`select count(*) from (${sql})`, params)).getRows()[0]?.[0]);

/** A record-keyed staging model with the temp table that holds the keys of its changed records. */
interface ChangedRecords {
  model: ModelFile;
  key: string;
  table: string;
}

/**
 * Refreshes the current build in place when few records changed since it was
 * built; returns the new data version, or null when a whole build is needed
 * (nothing was written then). Needs a connection outside any transaction.
 */
export async function refreshModels(conn: DuckDBConnection, state: ModelState): Promise<number | null> {
  const t0 = performance.now();
  const { dataVersion, lastRunId } = await nextVersion(conn);
  const last = { last: state.lastRunId };
  const changedRecords: ChangedRecords[] = [];
  await conn.run('begin transaction');
  let done = false;
  try {
    await enterSchema(conn, state.schema);
    // 1. What changed since the build.
    let incidents: ModelFile | undefined;
    let reviews: ModelFile | undefined;
    for (const { model, key, raws } of stagedModels()) {
      const anyTouched = raws.map((r) => `select 1 from main.${r} where ingest_run_id > $last`).join(' union all ');
      if ((await conn.runAndReadAll(`select exists (${anyTouched})`, last)).getRows()[0]?.[0] !== true) continue;
      if (model.name === 'stg_incidents') {
        incidents = model;
        await conn.run(`insert into refresh_incidents ${changedKeysSql(model, key, raws)}`, last);
        continue;
      }
      if (model.name === 'stg_link_reviews') {
        // a review changes its incident's attribution alone
        reviews = model;
        await conn.run(`create or replace temp table reviewed_incidents as ${changedKeysSql(model, key, raws)}`, last);
        continue;
      }
      const table = `changed_${model.name}`;
      await conn.run(`create or replace temp table ${table} as ${changedKeysSql(model, key, raws)}`, last);
      const [changed, all] = [await count(conn, `from ${table}`), await count(conn, `from ${model.name}`)];
      if (changed > all / 4) {
        trace(t0, `refresh: ${changed} of ${all} records of ${model.name} changed, the models are built whole`);
        return null;
      }
      if (changed > 0) changedRecords.push({ model, key, table });
    }
    const tooMany = async (what: string) => {
      const [changed, all] = [await count(conn, 'from refresh_incidents'), await count(conn, 'from stg_incidents')];
      if (changed <= Math.min(MAX_REFRESHED_INCIDENTS, all / 4)) return false;
      trace(t0, `refresh: ${changed} incidents to attribute again (${what}), the models are built whole`);
      return true;
    };
    if (reviews) {
      await conn.run(`insert into refresh_incidents
        select incident_id from temp.reviewed_incidents anti join refresh_incidents using (incident_id)`);
      await conn.run(
        `delete from stg_link_reviews where incident_id in (select incident_id from temp.reviewed_incidents)`,
      );
      await conn.run(`insert into stg_link_reviews select * from ${selectOf(reviews)}
        where incident_id in (select incident_id from temp.reviewed_incidents)`);
    }
    if (await tooMany('changed')) return null;
    // 2. Changed incidents (their records, or their reviews).
    if (incidents || reviews) await restageIncidents(conn, incidents, changedRecords.length === 0);
    // 3. Changed units.
    if (changedRecords.length > 0) {
      await restageUnits(conn, changedRecords);
      if (!(await refreshFacts(conn))) {
        trace(t0, 'refresh: more than a quarter of the units changed, the models are built whole');
        return null;
      }
      if (await tooMany('changed and on changed units')) return null;
    }
    // 4. Attribution and window figures.
    if ((await count(conn, 'from refresh_incidents')) > 0 || (await count(conn, 'from refresh_units')) > 0)
      await reattribute(conn);
    // 5. The new version becomes current with the commit.
    await conn.run('delete from refresh_units; delete from refresh_incidents');
    await recordState(conn, {
      dataVersion,
      schema: state.schema,
      live: false,
      lastRunId,
      seconds: (performance.now() - t0) / 1000,
    });
    await conn.run('commit');
    done = true;
    trace(t0, `refresh: data version ${dataVersion}`);
    return dataVersion;
  } finally {
    if (!done) await conn.run('rollback').catch(() => {});
    for (const { table } of changedRecords) await conn.run(`drop table if exists temp.${table}`).catch(() => {});
    await conn.run('drop table if exists temp.reviewed_incidents').catch(() => {});
    await conn.run("set schema = 'main'");
  }
}

/**
 * Notes in refresh_units the units whose window figures the incidents in
 * `incidents` (a table of incident_id) touch before they are attributed again:
 * those whose 28-day baseline counts one, by its staging row or (`fresh`) by
 * the one the raw tables now give, and those they are attributed to now.
 */
async function noteTouchedUnits(conn: DuckDBConnection, incidents: string, fresh?: ModelFile): Promise<void> {
  const changed = `incident_id in (select incident_id from ${incidents})`;
  // a background incident at t counts for units of its service starting in (t, t + 28 days]
  // (29 days: a calendar day may be 23 or 25 hours long in the session's time zone)
  await conn.run(`insert into refresh_units
    with keys as (
      select service, opened_at from stg_incidents where ${changed}
      ${fresh ? `union all select service, opened_at from ${selectOf(fresh)} where ${changed}` : ''}
    )
    select distinct u.unit_kind, u.unit_id
    from fct_units u join keys k
      on u.service = k.service and u.start_at > k.opened_at and u.start_at <= k.opened_at + interval 29 day
    where u.is_completed`);
  // units they are attributed to now, in any window (they may leave them)
  await conn.run(`insert into refresh_units select distinct unit_kind, unit_id from mat_attribution where ${changed}`);
}

/**
 * Step 2: the incidents in refresh_incidents get their new staging rows (`stg`:
 * their records changed; absent: only their reviews did) and, with `links`,
 * their confirmed links.
 */
async function restageIncidents(conn: DuckDBConnection, stg: ModelFile | undefined, links: boolean): Promise<void> {
  const t = performance.now();
  const changed = 'incident_id in (select incident_id from refresh_incidents)';
  await noteTouchedUnits(conn, 'refresh_incidents', stg);
  if (stg) {
    await conn.run(`delete from stg_incidents where ${changed}`);
    await conn.run(`insert into stg_incidents select * from ${selectOf(stg)} where ${changed}`);
    const [[raw, staged]] = (
      await conn.runAndReadAll('select (select count(*) from main.raw_incidents), (select count(*) from stg_incidents)')
    ).getRows() as [[bigint, bigint]];
    if (raw !== staged) throw new Error(`stg_incidents holds ${staged} incidents, raw_incidents ${raw}`);
  }
  if (links) {
    // (with changed units, refreshFacts compares every confirmed link instead)
    await conn.run(`delete from fct_confirmed_links where record_kind = 'incident' and record_id in
      (select incident_id from refresh_incidents)`);
    await conn.run('insert into fct_confirmed_links select * from int_confirmed_links(true)');
  }
  trace(t, 'refresh: incidents staged, with their confirmed links');
}

/** Step 3, first half: the changed records of the other staging models get their new staging rows. */
async function restageUnits(conn: DuckDBConnection, changed: ChangedRecords[]): Promise<void> {
  const t = performance.now();
  for (const { model, key, table } of changed) {
    await conn.run(`delete from ${model.name} where ${key} in (select ${key} from temp.${table})`);
    await conn.run(
      `insert into ${model.name} select * from ${selectOf(model)} where ${key} in (select ${key} from temp.${table})`,
    );
  }
  trace(t, `refresh: ${changed.map((c) => c.model.name).join(', ')} staged`);
}

/**
 * Step 3, second half: every fact table computed again, in build order, and
 * its rows that differ from the stored ones replaced; the units and incidents
 * they name are noted for step 4. False: more than a quarter of the units
 * changed (a source's first value of a governance column changes all of its
 * units), so a whole build is the faster way.
 */
async function refreshFacts(conn: DuckDBConnection): Promise<boolean> {
  await conn.run(
    'create or replace temp table changed_units (unit_kind varchar, unit_id varchar, attribution boolean)',
  );
  await conn.run('create or replace temp table unit_incidents (incident_id varchar)');
  try {
    for (const { model, key, recompute } of factTables()) {
      const t = performance.now();
      const same = (a: string, b: string) => key.map((k) => `${a}.${k} is not distinct from ${b}.${k}`).join(' and ');
      await conn.run(`create or replace temp table fact_rows as ${selectOf(model)}`);
      await conn.run(`create or replace temp table fact_changes as
        select distinct ${key.map((k) => `coalesce(f.${k}, s.${k}) as ${k}`).join(', ')}
        from temp.fact_rows f full join ${model.name} s on ${same('f', 's')}
        where f is distinct from s`);
      await conn.run(`delete from ${model.name} s using temp.fact_changes c where ${same('s', 'c')}`);
      await conn.run(
        `insert into ${model.name} select f.* from temp.fact_rows f semi join temp.fact_changes c on ${same('f', 'c')}`,
      );
      if (recompute === 'attribution' || recompute === 'windows')
        await conn.run(
          `insert into changed_units select distinct unit_kind, unit_id, $attribution from temp.fact_changes`,
          {
            attribution: recompute === 'attribution',
          },
        );
      if (recompute === 'incidents')
        await conn.run(
          `insert into unit_incidents select record_id from temp.fact_changes where record_kind = 'incident'`,
        );
      trace(t, `refresh: ${model.name} compared, ${await count(conn, 'from temp.fact_changes')} rows replaced`);
      const changedUnits = await count(conn, 'select distinct unit_kind, unit_id from temp.changed_units');
      if (changedUnits > (await count(conn, 'from fct_units')) / 4) return false;
    }
    const t = performance.now();
    // Incidents whose attribution a changed unit may change: those attributed to it
    // (in any window), and those on its service or CIs inside its widest window held.
    const [[widest]] = (await conn.runAndReadAll('select max(window_hours) from mat_windows')).getRows() as [[number]];
    await conn.run(
      `insert into unit_incidents
      with moved as (
        select distinct unit_kind, unit_id from temp.changed_units where attribution
      ),
      reaching as (
        select u.unit_kind, u.unit_id, u.service, u.start_at, window_reach(u.end_at, $widest) as reach_at
        from fct_units u semi join moved m using (unit_kind, unit_id)
        where u.is_completed
      )
      select a.incident_id from mat_attribution a semi join moved m using (unit_kind, unit_id)
      union all
      select i.incident_id from stg_incidents i join reaching u on i.service = u.service
      where i.opened_at between u.start_at and u.reach_at
      union all
      select i.incident_id from reaching u
      join fct_unit_cis c using (unit_kind, unit_id)
      join stg_incidents i on i.ci = c.ci
      where i.opened_at between u.start_at and u.reach_at`,
      { widest: Number(widest) },
    );
    await conn.run(`create or replace temp table new_incidents as
      select distinct incident_id from temp.unit_incidents anti join refresh_incidents using (incident_id)`);
    await noteTouchedUnits(conn, 'temp.new_incidents');
    await conn.run('insert into refresh_incidents select incident_id from temp.new_incidents');
    await conn.run('insert into refresh_units select distinct unit_kind, unit_id from temp.changed_units');
    trace(t, `refresh: ${await count(conn, 'from temp.new_incidents')} incidents on changed units to attribute again`);
    return true;
  } finally {
    for (const table of ['changed_units', 'unit_incidents', 'new_incidents', 'fact_rows', 'fact_changes'])
      await conn.run(`drop table if exists temp.${table}`).catch(() => {});
  }
}

/** Step 4 for the incidents in refresh_incidents and the units in refresh_units. */
async function reattribute(conn: DuckDBConnection): Promise<void> {
  const changed = 'incident_id in (select incident_id from refresh_incidents)';
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
 * few records changed, else a whole build (always, with live: views and
 * macros that compute on every query). Returns the new data version and
 * which of the two made it.
 */
export async function updateModels(
  conn: DuckDBConnection,
  options: { live?: boolean } = {},
): Promise<{ dataVersion: number; refreshed: boolean }> {
  const state = await modelState(conn);
  let refreshed: number | null = null;
  if (!options.live && state?.mode === 'materialized' && state.hash === modelsHash()) {
    try {
      refreshed = await refreshModels(conn, state);
    } catch (err) {
      console.error(`refreshing the models failed (${(err as Error).message}); building them whole`);
    }
  }
  const dataVersion = refreshed ?? (await buildModels(conn, options));
  announceCurrent(dataVersion);
  return { dataVersion, refreshed: refreshed !== null };
}
