/**
 * Reading the models: every read runs in a transaction (a snapshot), so a page
 * that runs several queries sees one data version, from before an ingest or
 * after it, never between. Before the snapshot opens, the models are checked
 * (built when missing or made from other SQL) and every window the read needs
 * is added to the stores when it is not there yet.
 *
 *   readSnapshot(work, windows)  one connection, one transaction; the query
 *                                functions called inside share it
 *   withModels(work, window)     what each query function calls: the ambient
 *                                snapshot, or a snapshot of its own
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DuckDBConnection } from '@duckdb/node-api';
import { databasePath, instance, withWriter } from '../lib/db.ts';
import { ensureSchema } from '../lib/schema.ts';
import {
  addWindow,
  DEFAULT_WINDOW_HOURS,
  enterSchema,
  hasWindow,
  modelState,
  modelsHash,
  type PreparedVersion,
  type WindowNeed,
} from './models.ts';
import { updateModels } from './refresh.ts';

interface Snapshot {
  conn: DuckDBConnection;
  dataVersion: number;
  windows: Set<string>;
  live: boolean;
  /** Queries on one connection take turns. */
  tail: Promise<unknown>;
}

const ambient = new AsyncLocalStorage<Snapshot>();

/** Per database file: the models are current for this process. */
const current = new Map<string, Promise<void>>();

/**
 * Builds the models when the database has none, has them from other SQL (an
 * upgrade), or has data loaded since they were built (an ingest stopped
 * between its load and its build).
 */
export function ensureModels(): Promise<void> {
  const key = databasePath();
  let ready = current.get(key);
  if (!ready) {
    ready = withWriter(async (conn) => {
      await ensureSchema(conn);
      const state = await modelState(conn);
      if (state && state.hash === modelsHash() && !state.stale) return;
      await updateModels(conn, { live: state?.mode === 'live' });
    });
    current.set(key, ready);
    ready.catch(() => current.delete(key));
  }
  return ready;
}

const keyOf = (need: WindowNeed) => `${need.unit}@${need.window}`;

async function ensureWindow(need: WindowNeed): Promise<void> {
  await withWriter(async (conn) => {
    const state = await modelState(conn);
    if (state?.mode !== 'materialized' || (await hasWindow(conn, state.schema, need))) return;
    await conn.run('begin transaction');
    try {
      await addWindow(conn, state.schema, need);
      await conn.run('commit');
    } catch (err) {
      await conn.run('rollback');
      throw err;
    }
  });
}

/**
 * Runs `work` in one read transaction on the current models, with every
 * window in `windows` ready. `work` gets the data version it reads.
 */
export async function readSnapshot<T>(
  work: (dataVersion: number) => Promise<T>,
  windows: WindowNeed[] = [{ unit: 'release', window: DEFAULT_WINDOW_HOURS }],
): Promise<T> {
  for (let attempt = 0; attempt < 5; attempt++) {
    await ensureModels();
    const conn = await (await instance()).connect();
    let committed = false;
    try {
      await conn.run('begin transaction');
      const state = await modelState(conn);
      if (!state) throw new Error('the database has no models');
      const live = state.mode === 'live';
      const missing: WindowNeed[] = [];
      if (!live) for (const w of windows) if (!(await hasWindow(conn, state.schema, w))) missing.push(w);
      if (missing.length > 0) {
        // Add them outside this snapshot, then open a new one that sees them.
        await conn.run('rollback');
        committed = true;
        for (const w of missing) await ensureWindow(w);
        continue;
      }
      const result = await readOn(conn, { dataVersion: state.dataVersion, schema: state.schema, live }, windows, work);
      await conn.run('commit');
      committed = true;
      return result;
    } finally {
      if (!committed) await conn.run('rollback').catch(() => {});
      conn.closeSync();
    }
  }
  throw new Error('could not open a snapshot with the windows it needs (the data kept changing)');
}

/** Runs `work` on `conn` (in a transaction) with the models of one data version as the ambient snapshot. */
async function readOn<T>(
  conn: DuckDBConnection,
  version: PreparedVersion,
  windows: WindowNeed[],
  work: (dataVersion: number) => Promise<T>,
): Promise<T> {
  await enterSchema(conn, version.schema);
  const snapshot: Snapshot = {
    conn,
    dataVersion: version.dataVersion,
    windows: new Set(windows.map(keyOf)),
    live: version.live,
    tail: Promise.resolve(),
  };
  const result = await ambient.run(snapshot, () => work(version.dataVersion));
  await snapshot.tail.catch(() => {});
  return result;
}

/** A window the prepared version does not hold (it is added on first use once the version is current). */
export class WindowNotPrepared extends Error {}

/**
 * Like readSnapshot, on a data version that is built but not yet current
 * (beforeVersionIsCurrent). Never writes: a window the version lacks is
 * WindowNotPrepared, not added.
 */
export async function readPrepared<T>(
  version: PreparedVersion,
  work: (dataVersion: number) => Promise<T>,
  windows: WindowNeed[],
): Promise<T> {
  const read = async (conn: DuckDBConnection) => {
    if (!version.live)
      for (const w of windows)
        if (!(await hasWindow(conn, version.schema, w)))
          throw new WindowNotPrepared(
            `data version ${version.dataVersion} has no ${w.unit} window of ${w.window} h yet`,
          );
    return readOn(conn, version, windows, work);
  };
  // A refresh's version exists only in the writer's open transaction: read it there (the caller takes turns).
  if (version.conn) return read(version.conn);
  const conn = await (await instance()).connect();
  try {
    await conn.run('begin transaction');
    try {
      return await read(conn);
    } finally {
      await conn.run('rollback').catch(() => {});
    }
  } finally {
    conn.closeSync();
  }
}

/**
 * Runs one query function's work: on the ambient snapshot when there is one,
 * else in a snapshot of its own. `need`: the window and unit kind the work
 * reads from the stores (none for queries that read no window).
 */
export function withModels<T>(
  work: (conn: DuckDBConnection, dataVersion: number) => Promise<T>,
  need?: WindowNeed,
): Promise<T> {
  const snapshot = ambient.getStore();
  if (!snapshot) return readSnapshot(() => withModels(work, need), need === undefined ? [] : [need]);
  if (need !== undefined && !snapshot.live && !snapshot.windows.has(keyOf(need))) {
    return Promise.reject(new Error(`the ${need.unit} window of ${need.window} h was not prepared for this read`));
  }
  const run = snapshot.tail.then(() => work(snapshot.conn, snapshot.dataVersion));
  snapshot.tail = run.catch(() => {});
  return run;
}
