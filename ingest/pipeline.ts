/**
 * Phase 2 of a load: one prepared file through DuckDB, in one transaction.
 *
 * 1. DuckDB reads the file, every column as text; records it cannot split go
 *    to its rejects table (reader.ts).
 * 2. The canonical columns: the landing table itself, or the export mapped
 *    onto it (mappingSql.ts).
 * 3. SQL generated from the entity schema converts and checks every value;
 *    each bad value becomes a reject (checkMerge.ts, checkSql.ts).
 * 4. The records with no reject are upserted by (source, id).
 * 5. Rejects are given their record and physical line numbers.
 * A large clean canonical file may skip steps 2-5 (fastPath.ts). Any failure
 * rolls the whole file back and is recorded as a failed run. A dry run does
 * all of it and rolls back. This module decides the path and holds the
 * transaction.
 */
import fs from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { memoryLimitBytes } from '../lib/config.ts';
import { typesFor } from '../lib/db.ts';
import { ensureSchema } from '../lib/schema.ts';
import { canonicalColumns, checkValues, countsOf, summarise, upsert } from './checkMerge.ts';
import { countIfCleanAndNew, insertDirect, insertIfClean, rawIsEmpty } from './fastPath.ts';
import type { Prepared } from './prepare.ts';
import { forgetReaderRejects, locateStructure, type Run, readFile } from './reader.ts';
import { recordPull, recordRun, startArchive } from './record.ts';
import { preview } from './report.ts';
import { IngestError } from './sniff.ts';
import { ingestSql } from './statements.ts';
import type { IngestOptions, IngestSummary } from './types.ts';

const num = (v: unknown) => Number(v ?? 0);

/** Runs a statement; RELEASELENS_TRACE=1 prints how long each one takes. */
function runner(conn: DuckDBConnection): Run {
  const trace = Boolean(process.env.RELEASELENS_TRACE);
  return async (sql, values) => {
    const t0 = performance.now();
    await conn.run(sql, values, values ? typesFor(values) : undefined);
    if (trace)
      process.stderr.write(`  ${((performance.now() - t0) / 1000).toFixed(3)} s  ${sql.trim().split('\n')[0]}\n`);
  };
}

export async function loadPrepared(
  conn: DuckDBConnection,
  p: Prepared,
  options: IngestOptions,
  started: Date,
): Promise<IngestSummary> {
  const dryRun = options.dryRun !== undefined;
  // A dry run reads the first N rows, or all of them with 'all'.
  const limit = typeof options.dryRun === 'number' ? options.dryRun : null;
  await ensureSchema(conn);
  const runId = dryRun
    ? 0
    : num((await conn.runAndReadAll("select nextval('ingest_run_seq')::integer")).getRows()[0]?.[0]);
  const run = runner(conn);
  const { entity, source } = p;
  let inTransaction = false;
  let committed = false;
  const archiving = dryRun ? undefined : startArchive(p, options);
  try {
    // A canonical file goes from the reader into the checked rows; one whose
    // text would not fit in DuckDB's memory goes straight into the raw table
    // when it is clean and new: in one guarded read when the table is empty
    // (decision 029), else counted first (decision 027).
    const direct = !p.plan && !dryRun;
    const large = fs.statSync(p.readPath).size > (options.countFirstAboveBytes ?? memoryLimitBytes());
    const counted = direct && large;
    let clean: number | null = null;
    const triedOneRead = counted && (await rawIsEmpty(conn, p));
    if (triedOneRead) {
      await run('begin transaction');
      inTransaction = true;
      clean = await insertIfClean(conn, run, p, options, runId);
      if (clean === null) {
        await run('rollback');
        inTransaction = false;
      }
    } else if (counted) {
      clean = await countIfCleanAndNew(conn, run, p, options);
      if (clean !== null) {
        await run('begin transaction');
        inTransaction = true;
        await insertDirect(conn, run, p, options, runId);
      }
    }
    let summary: IngestSummary;
    if (clean !== null) {
      const counts = { landed: clean, structural: 0, records: clean, loaded: clean };
      summary = await summarise(conn, p, runId, counts, { newRecords: clean, changed: 0 });
    } else {
      // Steps 1-3 write only this connection's temp tables, outside the
      // transaction: DuckDB reads a transaction's own uncommitted rows far more
      // slowly (the checks over a million incidents: 4.1 s inside, 1.5 s outside).
      // A canonical file goes straight from the reader into `checked`; a mapped
      // export and a dry run keep the reader's text (landing_raw) for the
      // mapping and the preview.
      if (!direct) await readFile(conn, run, p, options, limit);
      const columns = await canonicalColumns(run, p, direct);
      // after a first read that counted, this read is the second half of the
      // progress (after a one-read attempt that found something, it starts over)
      const share = counted && !triedOneRead ? (pct: number) => 50 + pct / 2 : undefined;
      await checkValues(conn, run, p, options, columns, { direct, share });
      await locateStructure(run, p, limit);
      await run('begin transaction');
      inTransaction = true;
      const diff = await upsert(conn, run, p, columns.rawLabels, runId);
      await run(ingestSql('located_rejects'), { run: runId, file: p.label });
      summary = await summarise(conn, p, runId, await countsOf(conn, direct ? 'checked' : 'landing_raw'), diff);
    }
    // a header and nothing else, or text whose lines DuckDB took for none: said as an error, not "0 read, loaded"
    if (summary.rowsRead === 0) throw new Error('the file yields no rows (a header and nothing under it)');
    if (dryRun) {
      summary.preview = await preview(conn, p, runId, options.dryRun ?? 10);
      await conn.run('rollback');
      inTransaction = false;
    } else {
      summary.seconds = (Date.now() - started.getTime()) / 1000;
      await recordRun(conn, summary, started, 'loaded', null);
      for (const note of summary.notes)
        await run('insert into ingest_notes values ($run, $note)', { run: runId, note });
      if (options.pull) await recordPull(conn, p, options.pull, runId);
      const archived = await archiving?.ready;
      await run('commit');
      committed = true;
      inTransaction = false;
      archived?.({ runId, name: p.label, entity, loadedAt: new Date().toISOString() });
    }
    summary.seconds = (Date.now() - started.getTime()) / 1000;
    return summary;
  } catch (err) {
    if (inTransaction) await conn.run('rollback');
    if (!committed) await archiving?.discard();
    const message = (err as Error).message;
    if (!dryRun) {
      await recordRun(
        conn,
        {
          runId,
          file: p.label,
          entity,
          source,
          sha256: await p.scan.then(
            (s) => s.sha256,
            () => null,
          ),
          rowsRead: 0,
          rowsLoaded: 0,
          rowsRejected: 0,
        },
        started,
        'failed',
        message,
      );
    }
    throw new IngestError(p.label, `nothing from this file was loaded: ${message}`);
  } finally {
    await dropScratch(conn);
  }
}

/** The file's temp tables, held until the connection closes otherwise (the next files and the model build need the memory). */
async function dropScratch(conn: DuckDBConnection): Promise<void> {
  try {
    for (const view of ['good', 'checked', 'landing']) await conn.run(`drop view if exists ${view}`);
    await forgetReaderRejects(conn);
    for (const table of [
      'clean_counts',
      'checked_rows',
      'mapped',
      'landing_raw',
      'value_rejects',
      'struct_rejects',
      'struct_shift',
    ])
      await conn.run(`drop table if exists ${table}`);
  } catch (err) {
    process.stderr.write(`ingest: could not drop a scratch table: ${(err as Error).message}\n`);
  }
}
