/**
 * The fast paths of a large clean canonical file (decisions 027 and 029):
 * counted first and inserted straight into the raw table, or, into an empty
 * table, inserted in one guarded read. Either says null when the file is not
 * clean and new, and the load takes the full path (checkMerge.ts).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { rawTable } from '../lib/schema.ts';
import { anyBadValueSql, idOf, typedColumns } from './checkSql.ts';
import type { Prepared } from './prepare.ts';
import { type Run, readerRows, reading } from './reader.ts';
import type { IngestOptions } from './types.ts';

/**
 * The fast path of a canonical file (decision 027), its first read: counts
 * the records, and what would keep them from going straight into the raw
 * table: bad values (the checks of valueRejectsSql as one condition), repeated
 * ids, ids already stored, records the reader could not split. Returns the
 * number of records when there is none of those; otherwise null, and the file
 * takes the full path, which writes the checked rows first.
 */
export async function countIfCleanAndNew(
  conn: DuckDBConnection,
  run: Run,
  p: Prepared,
  options: IngestOptions,
): Promise<number | null> {
  const { entity } = p;
  const id = idOf(entity);
  const rows = readerRows(p);
  await reading(
    conn,
    options,
    () =>
      run(
        `create or replace temp table clean_counts as
         select count(*) as records,
           count(*) filter (where ${anyBadValueSql(entity)}) as bad,
           count(${id}) - count(distinct ${id}) as repeated,
           count(stored_id) as stored
         from (${rows.sql}) c
         left join (select ${id} as stored_id from ${rawTable(entity)}) r on r.stored_id = c.${id}`,
        rows.params,
      ),
    (pct) => pct / 2,
  );
  const [records, blockers] = ((
    await conn.runAndReadAll(
      `select records::bigint, (bad + repeated + stored + (select count(*) from rej_errors))::bigint from clean_counts`,
    )
  ).getRows()[0] ?? [0, 1]) as [bigint, bigint];
  return blockers === 0n ? Number(records) : null;
}

/**
 * The fast path's insert: the file's records, converted, into the raw table
 * (in the caller's transaction). `guarded`: the statement fails at the first
 * record with a bad value (the checks of anyBadValueSql), with NOT_CLEAN.
 */
export async function insertDirect(
  conn: DuckDBConnection,
  run: Run,
  p: Prepared,
  options: IngestOptions,
  runId: number,
  guarded = false,
): Promise<void> {
  const { entity, source } = p;
  const rows = readerRows(p);
  const typed = typedColumns(entity);
  const guard = guarded ? `where case when ${anyBadValueSql(entity)} then error($not_clean) else true end` : '';
  await reading(
    conn,
    options,
    () =>
      run(
        `insert into ${rawTable(entity)} (source, ${typed.map((t) => t.target).join(', ')}, ingest_run_id, loaded_at)
         select $source, ${typed.map((t) => t.expr).join(', ')}, $run, now()
         from (${rows.sql}) ${guard}`,
        { ...rows.params, source, run: runId, ...(guarded ? { not_clean: NOT_CLEAN } : {}) },
      ),
    guarded ? undefined : (pct) => 50 + pct / 2,
  );
}

/** The message of the guarded insert's failure at a bad value. */
const NOT_CLEAN = 'releaselens: a value that needs a reject';

export async function rawIsEmpty(conn: DuckDBConnection, p: Prepared): Promise<boolean> {
  const rows = await conn.runAndReadAll(`select not exists (select 1 from ${rawTable(p.entity)})`);
  return rows.getRows()[0]?.[0] === true;
}

/**
 * The fast path into an empty raw table, in one read (decision 029): the
 * records go straight in, and the insert fails at the first bad value; then
 * the ids are counted in what it wrote, and the reader's rejects. Returns the
 * number of records when the file was clean; otherwise null, and the caller
 * rolls back and takes the full path (which reads the file once more).
 */
export async function insertIfClean(
  conn: DuckDBConnection,
  run: Run,
  p: Prepared,
  options: IngestOptions,
  runId: number,
): Promise<number | null> {
  try {
    await insertDirect(conn, run, p, options, runId, true);
  } catch (err) {
    if ((err as Error).message.includes(NOT_CLEAN)) return null;
    throw err;
  }
  const id = idOf(p.entity);
  const [records, blockers] = ((
    await conn.runAndReadAll(
      `select count(*)::bigint, (count(*) - count(distinct ${id}) + (select count(*) from rej_errors))::bigint
       from ${rawTable(p.entity)} where ingest_run_id = $run`,
      { run: runId },
    )
  ).getRows()[0] ?? [0n, 1n]) as [bigint, bigint];
  return blockers === 0n ? Number(records) : null;
}
