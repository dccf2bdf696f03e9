/**
 * The one DuckDB access module: one instance per database file and process
 * (held in `instances`), one connection per unit of work, one writer at a
 * time (withWriter), and scratch in-memory instances for dry runs and
 * benchmarks. The session time zone is UTC: everything is stored in UTC and
 * reporting time zones are always explicit parameters.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  type DuckDBConnection,
  DuckDBInstance,
  DuckDBListValue,
  type DuckDBType,
  type DuckDBValue,
  LIST,
  VARCHAR,
} from '@duckdb/node-api';
import { config } from './config.ts';
import { ownerOnly, tighten } from './private.ts';

let dbPathOverride: string | undefined;

/** For command-line `--db`: must be called before the first connection. */
export function setDatabasePath(file: string): void {
  dbPathOverride = file;
}

export function databasePath(): string {
  return dbPathOverride ?? config().RELEASELENS_DB;
}

/** A database file that cannot be opened, said in words a person can act on. */
export class DatabaseUnavailable extends Error {}

async function open(file: string): Promise<DuckDBInstance> {
  try {
    return await DuckDBInstance.fromCache(file);
  } catch (err) {
    const message = (err as Error).message;
    const pid = /PID (\d+)/.exec(message)?.[1];
    if (/Could not set lock|Conflicting lock/i.test(message)) {
      throw new DatabaseUnavailable(
        `the database ${file} is in use by another process${pid ? ` (PID ${pid})` : ''}, probably the dashboard (npm start). ` +
          'Stop that process and run this again, or load the files through the Data page while it serves.',
      );
    }
    if (/not a valid DuckDB database|corrupt|Invalid Input Error|Serialization Error/i.test(message)) {
      throw new DatabaseUnavailable(
        `the database ${file} cannot be read (it is damaged or not a ReleaseLens database). ` +
          'Move it aside and load your exports again into a new one (npm run ingest -- FOLDER).',
      );
    }
    if (/Permission denied|No such file|Cannot open file/i.test(message)) {
      throw new DatabaseUnavailable(
        `the database ${file} cannot be opened: no permission, or its folder does not exist. Check the path (RELEASELENS_DB or --db) and its permissions.`,
      );
    }
    throw err;
  }
}

/**
 * The process's instance of each database file, opened and set up once and
 * held for the life of the process. (DuckDB's own instance cache holds weak
 * references: with no wrapper alive the database closes, and a burst of
 * requests then reopens it concurrently, which fails with a file handle
 * conflict and loses the settings made on the closed one.)
 */
const instances = new Map<string, Promise<DuckDBInstance>>();

export function instance(): Promise<DuckDBInstance> {
  const file = databasePath();
  let db = instances.get(file);
  if (!db) {
    db = (async () => {
      ownerOnly(); // the database, its WAL and spill folder: 0600 / 0700 (lib/private.ts)
      if (file !== ':memory:') {
        fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
        tighten(file, `${file}.wal`, `${file}.tmp`, `${file}.archive`);
      }
      const opened = await open(file);
      const conn = await opened.connect();
      try {
        await conn.run(
          "load icu; set global TimeZone = 'UTC'; set global asof_loop_join_threshold = 0; set global nested_loop_join_threshold = 0",
        );
        // No automatic checkpoint inside a writer's turn: every turn is followed
        // by one of its own, after the new data version is current (withWriter).
        await conn.run(`set global checkpoint_threshold = '${CHECKPOINT_THRESHOLD}'`);
        // The limit is checked against a strict pattern (lib/config.ts); SET takes no bound values.
        await conn.run(`set global memory_limit = '${config().RELEASELENS_MEMORY_LIMIT}'`);
      } finally {
        conn.closeSync();
      }
      return opened;
    })();
    instances.set(file, db);
    db.catch(() => instances.delete(file));
  }
  return db;
}

/**
 * DuckDB checkpoints (writes the WAL into the database file) when a commit
 * finds the WAL past this size: 16 MB by default, which a model build passed
 * several times, each costing its turn about a second at a million incidents
 * (decision 023). A writer's turn now checkpoints once, after it ends.
 */
const CHECKPOINT_THRESHOLD = '4GB';

/** Closes this process's instance of the database (a watching ingest between loads). */
export async function closeDatabase(): Promise<void> {
  const file = databasePath();
  const db = instances.get(file);
  if (!db) return;
  instances.delete(file);
  await writers.get(file);
  (await db).closeSync();
}

/** The connections this process has open through withConnection, for interruptAll. */
const openConnections = new Set<DuckDBConnection>();

export async function withConnection<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const conn = await (await instance()).connect();
  openConnections.add(conn);
  try {
    return await work(conn);
  } finally {
    openConnections.delete(conn);
    conn.closeSync();
  }
}

/**
 * Interrupts every statement running on this process's connections (a stop
 * signal during a load): each fails, its transaction rolls back, and nothing
 * half-loaded is committed.
 */
export function interruptAll(): number {
  for (const conn of openConnections) conn.interrupt();
  return openConnections.size;
}

/**
 * Per database file: how many times a writer of this process started or
 * finished. A reader that sees the same count before and after a read knows
 * no write of this process began or ended in between; while the process holds
 * the file, no other process can write it.
 */
const writeCounts = new Map<string, number>();
const bumpWrites = (file: string) => writeCounts.set(file, (writeCounts.get(file) ?? 0) + 1);
export const writeCount = (): number => writeCounts.get(databasePath()) ?? 0;

/** The tail of each database's writer queue. */
const writers = new Map<string, Promise<unknown>>();

/**
 * Runs `work` when no other writer of this process is running on the same
 * database (ingest, model builds, windows added on first use): DuckDB lets
 * concurrent transactions conflict on the same tables, so writes take turns.
 */
export function withWriter<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const key = databasePath();
  const previous = writers.get(key) ?? Promise.resolve();
  const counted = async (conn: DuckDBConnection) => {
    bumpWrites(key);
    try {
      return await work(conn);
    } finally {
      bumpWrites(key);
    }
  };
  const run = previous.then(() => withConnection(counted));
  // The checkpoint takes a turn of its own: whoever waits for `work` (a page,
  // an ingest handed over) does not wait for it, and readers keep reading.
  const checkpointed = run
    .catch(() => {})
    .then(() => withConnection(checkpoint))
    .catch(() => {}); // the next writer runs whatever happened here
  writers.set(key, checkpointed);
  return run;
}

/**
 * Runs `work`; when DuckDB runs out of memory, runs it again with less: first
 * without keeping the insertion order of results that have no ORDER BY
 * (DuckDB then need not hold a statement's rows back to write them in order),
 * then also on one thread (each thread holds its own share of a join or
 * sort). `work` must be a whole statement or transaction, so a failed one
 * leaves nothing behind. Both settings are the instance's: readers of this
 * process run under them until `work` is done (every query the pages run
 * orders its rows). At ten million incidents the attribution of one unit kind
 * needs more than the default limit otherwise (docs/performance.md).
 */
export async function withLessMemoryOnRetry<T>(
  conn: DuckDBConnection,
  what: string,
  work: () => Promise<T>,
): Promise<T> {
  const settings = ['set preserve_insertion_order = false', 'set threads = 1'];
  try {
    return await work();
  } catch (err) {
    if (!outOfMemory(err)) throw err;
  }
  try {
    for (const [i, setting] of settings.entries()) {
      process.stderr.write(`${what}: DuckDB ran out of memory (RELEASELENS_MEMORY_LIMIT); again with: ${setting}\n`);
      await conn.run(setting);
      try {
        return await work();
      } catch (err) {
        if (!outOfMemory(err) || i === settings.length - 1) throw err;
      }
    }
    throw new Error('unreachable');
  } finally {
    await conn.run('reset preserve_insertion_order; reset threads');
  }
}

/** Whether DuckDB failed for want of memory (withLessMemoryOnRetry). */
export const outOfMemory = (err: unknown): boolean => /^Out of Memory Error/.test((err as Error).message);

/** Writes the WAL into the database file; a failure is reported, never thrown (the WAL stays valid). */
async function checkpoint(conn: DuckDBConnection): Promise<void> {
  const t0 = performance.now();
  try {
    await conn.run('checkpoint');
  } catch (err) {
    process.stderr.write(
      `checkpoint of ${databasePath()} failed, retried after the next write: ${(err as Error).message}\n`,
    );
  }
  lastCheckpointSeconds = (performance.now() - t0) / 1000;
}

let lastCheckpointSeconds = 0;

/** Waits for this process's writes to the database, and the checkpoint after them; returns that checkpoint's seconds. */
export async function writesSettled(): Promise<number> {
  await writers.get(databasePath());
  return lastCheckpointSeconds;
}

/** A throw-away in-memory database (dry runs, benchmark floors), set up like the real one. */
export async function withScratch<T>(work: (conn: DuckDBConnection) => Promise<T>, file = ':memory:'): Promise<T> {
  const db = await DuckDBInstance.create(file);
  const conn = await db.connect();
  try {
    await conn.run(
      "load icu; set TimeZone = 'UTC'; set asof_loop_join_threshold = 0; set nested_loop_join_threshold = 0",
    );
    return await work(conn);
  } finally {
    conn.closeSync();
    db.closeSync();
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
