/**
 * Data versions: every build of the models lives in a schema of its own
 * (m<version>), and one row in main.model_state makes a version current.
 * Readers set their schema to the current one (queries/snapshot.ts); answers
 * are cached by the version (decision 009).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { modelsHash } from './catalogue.ts';

/** The schema that holds one build of the models: m<n>, named after the data version that built it. */
export const versionSchema = (build: number): string => {
  if (!Number.isInteger(build) || build < 1) throw new Error(`bad data version ${build}`);
  return `m${build}`;
};

export const checkedSchema = (schema: string): string => {
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

/** The next data version, and the last ingest run a build now would include. */
export async function nextVersion(conn: DuckDBConnection): Promise<{ dataVersion: number; lastRunId: number }> {
  const next = await conn.runAndReadAll(
    `select coalesce((select max(data_version) from main.model_state), 0)::integer + 1,
            coalesce((select max(run_id) from main.ingest_runs where status = 'loaded'), 0)::integer`,
  );
  const [dataVersion, lastRunId] = (next.getRows()[0] ?? []).map(Number) as [number, number];
  return { dataVersion, lastRunId };
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
