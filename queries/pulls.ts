/** The pulls' bookkeeping in the database (pull/): watermarks per source and target, and what is gone upstream. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { isoInstant } from './rowTypes.ts';
import { runQuery } from './run.ts';

const instant = isoInstant;

export const pullRowSchema = z.object({
  source: z.string(),
  target: z.string(),
  watermark: z.string(),
  last_batch_at: instant,
  batches: z.number(),
  fetched: z.number(),
  rejected: z.number(),
  gone: z.number(),
});
export type PullRow = z.output<typeof pullRowSchema>;

export const goneRowSchema = z.object({
  source: z.string(),
  target: z.string(),
  entity: z.string(),
  id: z.string(),
  noticed_at: instant,
});
export type GoneRow = z.output<typeof goneRowSchema>;

/** Every pulled target (none before the first pull, or in a database older than pulls). */
export async function readPulls(conn: DuckDBConnection): Promise<PullRow[]> {
  const has = await conn.runAndReadAll("select 1 from duckdb_tables() where table_name = 'pull_runs'");
  if (has.currentRowCount === 0) return [];
  return (await runQuery(conn, 'data_pulls', {})).map((r) => pullRowSchema.parse(r));
}

export async function readGone(conn: DuckDBConnection, limit = 50): Promise<GoneRow[]> {
  const has = await conn.runAndReadAll("select 1 from duckdb_tables() where table_name = 'pull_gone'");
  if (has.currentRowCount === 0) return [];
  return (await runQuery(conn, 'data_pull_gone', { limit })).map((r) => goneRowSchema.parse(r));
}
