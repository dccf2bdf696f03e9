/**
 * One DuckDB instance per process (DuckDBInstance.fromCache), one connection
 * per unit of work. The session time zone is UTC: everything is stored in UTC
 * and reporting time zones are always explicit parameters.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { config } from './config.ts';

let dbPathOverride: string | undefined;

/** For command-line `--db`: must be called before the first connection. */
export function setDatabasePath(file: string): void {
  dbPathOverride = file;
}

export function databasePath(): string {
  return dbPathOverride ?? config().RELEASELENS_DB;
}

export async function instance(): Promise<DuckDBInstance> {
  const file = databasePath();
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = await DuckDBInstance.fromCache(file);
  let ready = prepared.get(file);
  if (!ready) {
    ready = (async () => {
      const conn = await db.connect();
      await conn.run("load icu; set global TimeZone = 'UTC'");
      conn.closeSync();
    })();
    prepared.set(file, ready);
  }
  await ready;
  return db;
}

/** Per database file (fromCache hands out a new wrapper object each call). */
const prepared = new Map<string, Promise<void>>();

export async function withConnection<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const conn = await (await instance()).connect();
  try {
    return await work(conn);
  } finally {
    conn.closeSync();
  }
}
