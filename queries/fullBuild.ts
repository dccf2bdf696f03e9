/**
 * A whole build of the models of a new data version, in a schema of its own
 * (queries/refresh.ts decides between this and a refresh in place).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { withLessMemoryOnRetry } from '../lib/db.ts';
import { DEFAULT_WINDOW_HOURS, type ModelFile, models, unitKinds } from './catalogue.ts';
import { carryWindow, fillStore, windowsInUse } from './stores.ts';
import { trace } from './trace.ts';
import { enterSchema, modelState, nextVersion, recordState, versionSchema } from './versions.ts';

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
