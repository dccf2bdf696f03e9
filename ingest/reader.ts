/**
 * Reading the file (phase 2, step 1): DuckDB's CSV reader over it, every
 * column as text; the records it cannot split go to its rejects table. A
 * mapped export or a dry run lands in landing_raw; a canonical file is read
 * straight into its checks (checkMerge.ts) or the raw table (fastPath.ts).
 */
import path from 'node:path';
import { type DuckDBConnection, type DuckDBValue, listValue } from '@duckdb/node-api';
import { checkedSql } from './checkSql.ts';
import type { Prepared } from './prepare.ts';
import { ingestSql } from './statements.ts';
import type { IngestOptions } from './types.ts';

export type Run = (sql: string, values?: Record<string, DuckDBValue>) => Promise<void>;

/** DuckDB's reader of the file, every column as text; the records it cannot split go to its rejects table. */
export function readerOf(p: Prepared): { sql: string; params: Record<string, DuckDBValue> } {
  const columns = p.normalized.map((_, i) => `'c${i}': 'varchar'`).join(', ');
  return {
    sql: `read_csv($path, header = true, auto_detect = false, delim = $delim,
       quote = '"', escape = '"', columns = {${columns}}, store_rejects = true,
       rejects_table = 'rej_errors', rejects_scan = 'rej_scans', parallel = true)`,
    params: { path: path.resolve(p.readPath), delim: p.delimiter },
  };
}

/**
 * Runs a statement that reads the file, after dropping what earlier reads left
 * in the reader's rejects tables, and reports its progress to
 * options.onProgress (`share`: the part of the whole load it stands for).
 */
export async function reading(
  conn: DuckDBConnection,
  options: IngestOptions,
  read: () => Promise<void>,
  share: (pct: number) => number = (pct) => pct,
): Promise<void> {
  await forgetReaderRejects(conn);
  if (options.onProgress) await conn.run('set enable_progress_bar = true; set enable_progress_bar_print = false');
  const timer = options.onProgress
    ? setInterval(() => {
        const pct = conn.progress.percentage;
        if (pct >= 0) options.onProgress?.(share(pct));
      }, 250)
    : undefined;
  try {
    await read();
  } finally {
    if (timer) clearInterval(timer);
  }
}

/** DuckDB appends the records its reader could not split to rej_errors at every read on the connection; each file starts without them. */
export async function forgetReaderRejects(conn: DuckDBConnection): Promise<void> {
  await conn.run('drop table if exists rej_errors; drop table if exists rej_scans');
}

/** The reader's column (c0, c1, ...) that holds each canonical column of a canonical file (the first of repeated names). */
export function canonicalNames(p: Prepared): Map<string, string> {
  const present = new Map<string, string>();
  p.normalized.forEach((name, i) => {
    if (!present.has(name)) present.set(name, `c${i}`);
  });
  return present;
}

/** The checked rows of a canonical file straight from the reader (checkedSql without `ord`), with the values they bind. */
export function readerRows(p: Prepared): { sql: string; params: Record<string, DuckDBValue> } {
  const reader = readerOf(p);
  return {
    sql: checkedSql(p.entity, canonicalNames(p), reader.sql, [], false),
    params: { tz: p.timezone, ...reader.params },
  };
}

/** Step 1 (a mapped export, a dry run): the file into landing_raw, all text. */
export async function readFile(
  conn: DuckDBConnection,
  run: Run,
  p: Prepared,
  options: IngestOptions,
  limit: number | null,
): Promise<void> {
  const reader = readerOf(p);
  await reading(conn, options, () =>
    run(
      `create or replace temp table landing_raw as select * from ${reader.sql} ${limit !== null ? 'limit $limit' : ''}`,
      {
        ...reader.params,
        ...(limit !== null ? { limit } : {}),
      },
    ),
  );
}

/** After the read: the structural rejects, and the line shifts of quoted line breaks, beside the records. */
export async function locateStructure(run: Run, p: Prepared, limit: number | null): Promise<void> {
  await run(ingestSql('struct_rejects'), { limit });
  await run(ingestSql('struct_shift'));
  await run('create or replace temp table line_shifts (record integer, extra integer)');
  const { lineShifts } = await p.scan;
  if (lineShifts.length > 0) {
    await run('insert into line_shifts select unnest($r), unnest($e)', {
      r: listValue(lineShifts.map((s) => s[0])),
      e: listValue(lineShifts.map((s) => s[1])),
    });
  }
}
