/**
 * Reading the models: every read runs in a transaction (a snapshot), so a page
 * that runs several queries sees one data version, from before an ingest or
 * after it, never between. Before the snapshot opens, the models are checked
 * (built when missing or made from other SQL) and every window the read needs
 * is added to the stores when it is not there yet.
 *
 *   readSnapshot(work, windows)  one transaction; the query functions called
 *                                inside share it
 *   withModels(work, window)     what each query function calls: the ambient
 *                                snapshot, or a snapshot of its own
 *
 * Most of a KPI query's time at scale is DuckDB planning it (binding the
 * nested model macros: 20-30 ms a query, single-threaded), so the queries a
 * page starts together run side by side: a snapshot opens a further
 * connection ("lane") when its lanes are busy, up to one per core, and uses it
 * only when its own transaction sees the same data version as the first
 * (every commit that changes the models records a new version).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import os from 'node:os';
import type { DuckDBConnection } from '@duckdb/node-api';
import { databasePath, instance, withLessMemoryOnRetry, withWriter } from '../lib/db.ts';
import { ensureSchema } from '../lib/schema.ts';
import { readLimitMs, withTimeLimit } from '../lib/timeLimit.ts';
import { DEFAULT_WINDOW_HOURS, modelsHash, type WindowNeed } from './catalogue.ts';
import { updateModels } from './refresh.ts';
import { addWindow, hasWindow } from './stores.ts';
import { enterSchema, type ModelVersion, modelState } from './versions.ts';
import { makeRoom, noteRead, standing } from './windowBudget.ts';

/** One connection of a snapshot, in its transaction; queries on it take turns. */
interface Lane {
  conn: DuckDBConnection;
  pending: number;
  tail: Promise<unknown>;
}

interface Snapshot {
  lanes: Lane[];
  dataVersion: number;
  schema: string;
  windows: Set<string>;
  live: boolean;
  /** Whether further lanes may be opened (not on a writer's transaction; stops after a lane saw another version). */
  grows: boolean;
  /** A lane being opened. */
  opening: Promise<Lane | null> | null;
}

/** At most this many connections per snapshot: one per core (planning is single-threaded), two to four. */
const MAX_LANES = Math.min(4, Math.max(2, os.availableParallelism()));

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
    if (!standing(need.window)) await makeRoom(conn, state.schema);
    const what = `window ${need.window} h for ${need.unit} units`;
    // a first fill may take a few reads' time (at ten million incidents, seconds), not forever
    await withTimeLimit(
      4 * readLimitMs(),
      `adding the ${what}`,
      () => conn.interrupt(),
      () =>
        withLessMemoryOnRetry(conn, what, async () => {
          await conn.run('begin transaction');
          try {
            await addWindow(conn, state.schema, need);
            await conn.run('commit');
          } catch (err) {
            await conn.run('rollback');
            throw err;
          }
        }),
    );
  });
}

/** A read that may not add windows (readSnapshot's addWindows: false) needs one the current version does not hold. */
export class WindowNotHeld extends Error {}

/**
 * Runs `work` in one read transaction on the current models, with every
 * window in `windows` ready: added first when missing, or with `addWindows:
 * false` refused (WindowNotHeld). `work` gets the data version it reads.
 */
export async function readSnapshot<T>(
  work: (dataVersion: number) => Promise<T>,
  windows: WindowNeed[] = [{ unit: 'release', window: DEFAULT_WINDOW_HOURS }],
  options: { addWindows?: boolean } = {},
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
      if (missing.length > 0 && options.addWindows === false) {
        throw new WindowNotHeld(
          `data version ${state.dataVersion} holds no ${missing.map((w) => `${w.unit} window of ${w.window} h`).join(', ')}`,
        );
      }
      if (missing.length > 0) {
        // Add them outside this snapshot, then open a new one that sees them;
        // widest first, as a window narrower than one held is made from it (decision 021).
        await conn.run('rollback');
        committed = true;
        for (const w of missing.sort((a, b) => b.window - a.window)) await ensureWindow(w);
        continue;
      }
      if (!live) noteRead(state.schema, windows);
      const version = { dataVersion: state.dataVersion, schema: state.schema, live };
      const held: { snapshot?: Snapshot } = {};
      const result = await withTimeLimit(
        readLimitMs(),
        'reading the models',
        () => {
          conn.interrupt();
          for (const lane of held.snapshot?.lanes ?? []) lane.conn.interrupt();
        },
        () => readOn(conn, version, windows, work, true, held),
      );
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

/**
 * Runs `work` on `conn` (in a transaction) with the models of one data version
 * as the ambient snapshot; `grows`: it may open further lanes on that version.
 */
async function readOn<T>(
  conn: DuckDBConnection,
  version: ModelVersion,
  windows: WindowNeed[],
  work: (dataVersion: number) => Promise<T>,
  grows = false,
  /** Gets the snapshot, so a time limit can interrupt its lanes. */
  held: { snapshot?: Snapshot } = {},
): Promise<T> {
  await enterSchema(conn, version.schema);
  const snapshot: Snapshot = {
    lanes: [{ conn, pending: 0, tail: Promise.resolve() }],
    dataVersion: version.dataVersion,
    schema: version.schema,
    windows: new Set(windows.map(keyOf)),
    live: version.live,
    grows,
    opening: null,
  };
  held.snapshot = snapshot;
  try {
    return await ambient.run(snapshot, () => work(version.dataVersion));
  } finally {
    await snapshot.opening;
    for (const lane of snapshot.lanes) await lane.tail;
    for (const lane of snapshot.lanes.slice(1)) {
      await lane.conn.run('rollback').catch(() => {});
      lane.conn.closeSync();
    }
  }
}

/** A further connection on the snapshot's data version, or null when its transaction sees another one. */
async function openLane(snapshot: Snapshot): Promise<Lane | null> {
  const conn = await (await instance()).connect();
  try {
    await conn.run('begin transaction');
    const state = await modelState(conn);
    if (state?.dataVersion === snapshot.dataVersion && state.schema === snapshot.schema) {
      await enterSchema(conn, snapshot.schema);
      return { conn, pending: 0, tail: Promise.resolve() };
    }
  } catch {
    // the lane is only a way to go faster: without it the queries take turns on the others
  }
  await conn.run('rollback').catch(() => {});
  conn.closeSync();
  return null;
}

/**
 * Takes a lane for one query: an idle one (taken before anything is awaited,
 * so queries started together never pick the same), else a new one while
 * there may be more, else the least busy.
 */
async function laneFor(snapshot: Snapshot): Promise<Lane> {
  const take = (lane: Lane) => {
    lane.pending++;
    return lane;
  };
  const idle = snapshot.lanes.find((l) => l.pending === 0);
  if (idle) return take(idle);
  if (snapshot.grows && snapshot.lanes.length < MAX_LANES) {
    snapshot.opening ??= openLane(snapshot).then((lane) => {
      if (lane) snapshot.lanes.push(lane);
      else snapshot.grows = false;
      snapshot.opening = null;
      return lane;
    });
    const opened = await snapshot.opening;
    if (opened && opened.pending === 0) return take(opened);
  }
  return take(snapshot.lanes.reduce((a, b) => (b.pending < a.pending ? b : a)));
}

/**
 * Runs `work` in the ambient snapshot, or in a snapshot of its own, without
 * taking a lane: for a query function that starts several queries at once,
 * each through withModels. (A withModels inside another's work could wait
 * for the lane that work holds, and never start.)
 */
export function inSnapshot<T>(work: () => Promise<T>, need?: WindowNeed): Promise<T> {
  const snapshot = ambient.getStore();
  if (!snapshot) return readSnapshot(() => inSnapshot(work, need), need === undefined ? [] : [need]);
  // The default window is held for every unit kind by every build. Another
  // window the snapshot was not opened for (a page that reads change units
  // because the data has no releases, filters.server.ts) is read in a
  // snapshot of its own, which adds the window first.
  if (
    need !== undefined &&
    !snapshot.live &&
    need.window !== DEFAULT_WINDOW_HOURS &&
    !snapshot.windows.has(keyOf(need))
  ) {
    return ambient.exit(() => readSnapshot(() => inSnapshot(work, need), [need]));
  }
  return work();
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
  return inSnapshot(async () => {
    const snapshot = ambient.getStore() as Snapshot;
    const lane = await laneFor(snapshot);
    const run = lane.tail.then(() => work(lane.conn, snapshot.dataVersion));
    lane.tail = run.catch(() => {}).finally(() => lane.pending--);
    return run;
  }, need);
}
