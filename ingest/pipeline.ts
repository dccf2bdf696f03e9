/**
 * Phase 2 of a load: one prepared file through DuckDB, in one transaction.
 *
 * 1. DuckDB reads the file, every column as text; records it cannot split go
 *    to its rejects table.
 * 2. The canonical columns: the landing table itself, or the export mapped
 *    onto it (mappingSql.ts).
 * 3. SQL generated from the entity schema converts and checks every value;
 *    each bad value becomes a reject.
 * 4. The records with no reject are upserted by (source, id).
 * 5. Rejects are given their record and physical line numbers.
 * Any failure rolls the whole file back and is recorded as a failed run. A
 * dry run does all of it and rolls back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type DuckDBConnection, type DuckDBValue, LIST, listValue, VARCHAR } from '@duckdb/node-api';
import { memoryLimitBytes } from '../lib/config.ts';
import { typesFor } from '../lib/db.ts';
import { idColumnOf } from '../lib/entities.ts';
import { ensureSchema, rawTable } from '../lib/schema.ts';
import { anyBadValueSql, checkedSql, idOf, rejectHints, typedColumns, valueRejectsSql } from './checkSql.ts';
import type { Prepared } from './prepare.ts';
import { recordPull, recordRun, startArchive } from './record.ts';
import { preview, unknownValues } from './report.ts';
import { IngestError } from './sniff.ts';
import { ingestSql } from './statements.ts';
import type { IngestOptions, IngestSummary, Reject } from './types.ts';

const num = (v: unknown) => Number(v ?? 0);

type Run = (sql: string, values?: Record<string, DuckDBValue>) => Promise<void>;

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
      const { relation, present, rawLabels } = await canonicalColumns(run, p, direct);
      // after a first read that counted, this read is the second half of the
      // progress (after a one-read attempt that found something, it starts over)
      const share = counted && !triedOneRead ? (pct: number) => 50 + pct / 2 : undefined;
      await checkValues(conn, run, p, options, relation, present, rawLabels, direct, share);
      await locateStructure(run, p, limit);
      await run('begin transaction');
      inTransaction = true;
      const diff = await upsert(conn, run, p, rawLabels, runId);
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

/** DuckDB's reader of the file, every column as text; the records it cannot split go to its rejects table. */
function readerOf(p: Prepared): { sql: string; params: Record<string, DuckDBValue> } {
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
async function reading(
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
async function forgetReaderRejects(conn: DuckDBConnection): Promise<void> {
  await conn.run('drop table if exists rej_errors; drop table if exists rej_scans');
}

/** The reader's column (c0, c1, ...) that holds each canonical column of a canonical file (the first of repeated names). */
function canonicalNames(p: Prepared): Map<string, string> {
  const present = new Map<string, string>();
  p.normalized.forEach((name, i) => {
    if (!present.has(name)) present.set(name, `c${i}`);
  });
  return present;
}

/** The checked rows of a canonical file straight from the reader (checkedSql without `ord`), with the values they bind. */
function readerRows(p: Prepared): { sql: string; params: Record<string, DuckDBValue> } {
  const reader = readerOf(p);
  return {
    sql: checkedSql(p.entity, canonicalNames(p), reader.sql, [], false),
    params: { tz: p.timezone, ...reader.params },
  };
}

/**
 * The fast path of a canonical file (decision 027), its first read: counts
 * the records, and what would keep them from going straight into the raw
 * table: bad values (the checks of valueRejectsSql as one condition), repeated
 * ids, ids already stored, records the reader could not split. Returns the
 * number of records when there is none of those; otherwise null, and the file
 * takes the full path, which writes the checked rows first.
 */
async function countIfCleanAndNew(
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
async function insertDirect(
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

async function rawIsEmpty(conn: DuckDBConnection, p: Prepared): Promise<boolean> {
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
async function insertIfClean(
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

/** Step 1 (a mapped export, a dry run): the file into landing_raw, all text. */
async function readFile(
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
async function locateStructure(run: Run, p: Prepared, limit: number | null): Promise<void> {
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

/**
 * Step 2: the relation that holds the canonical columns, and which of its
 * columns holds each: the mapped export, the landing table, or (`direct`) the
 * reader itself.
 */
async function canonicalColumns(
  run: Run,
  p: Prepared,
  direct: boolean,
): Promise<{ relation: string; present: Map<string, string>; rawLabels: Set<string> }> {
  const rawLabels = new Set(p.plan ? p.plan.mappedColumns.keys() : []);
  if (p.plan) {
    await run('create or replace temp table value_maps ("column" varchar, source varchar, target varchar)');
    if (p.plan.valueMaps.length > 0) {
      await run('insert into value_maps select unnest($c), unnest($s), unnest($t)', {
        c: listValue(p.plan.valueMaps.map((v) => v.column)),
        s: listValue(p.plan.valueMaps.map((v) => v.source)),
        t: listValue(p.plan.valueMaps.map((v) => v.target)),
      });
    }
    await run(p.plan.sql, p.plan.params);
    return { relation: 'mapped', present: p.plan.present, rawLabels };
  }
  if (!direct) {
    await run(`create or replace temp view landing as
      select rowid - (select min(rowid) from landing_raw) as ord, * from landing_raw`);
  }
  return { relation: direct ? readerOf(p).sql : 'landing', present: canonicalNames(p), rawLabels };
}

/**
 * Step 3: `checked` (typed values; a view of the checked_rows table with the
 * record order `ord`) and `value_rejects` (one row per bad value, duplicate id
 * or foreign id). `direct`: the relation is the reader, whose rows land in
 * checked_rows in file order (its row ids), so the file's text is written
 * once, not into landing_raw first (a million incidents: about 0.3 s less).
 */
async function checkValues(
  conn: DuckDBConnection,
  run: Run,
  p: Prepared,
  options: IngestOptions,
  relation: string,
  present: Map<string, string>,
  rawLabels: Set<string>,
  direct: boolean,
  share?: (pct: number) => number,
): Promise<void> {
  const { entity, source } = p;
  const id = idOf(entity);
  const rows = checkedSql(
    entity,
    present,
    relation,
    [...rawLabels].map((c) => `raw_${c}`),
    !direct,
  );
  const values = { tz: p.timezone, ...(direct ? readerOf(p).params : {}) };
  const check = () => run(`create or replace temp table checked_rows as\n${rows}`, values);
  if (direct) await reading(conn, options, check, share);
  else await check();
  await run(
    direct
      ? 'create or replace temp view checked as select rowid - (select min(rowid) from checked_rows) as ord, * from checked_rows'
      : 'create or replace temp view checked as select * from checked_rows',
  );
  await run(valueRejectsSql(entity), rejectHints(entity, p.plan?.timestampHints));
  await run(
    `insert into value_rejects
     select ord, '${idColumnOf(entity)}', ${id},
       'the same id appears again later in this file; the last row wins'
     from (select ord, ${id}, row_number() over (partition by ${id} order by ord desc) as nth
           from checked where ${id} is not null) where nth > 1`,
  );
  await run(
    `insert into value_rejects
     select c.ord, '${idColumnOf(entity)}', c.${id},
       'id ' || c.${id} || ' already belongs to source ''' || r.source || '''; this file is source ''' || $source || ''''
     from checked c join ${rawTable(entity)} r on r.${id} = c.${id} and r.source <> $source`,
    { source },
  );
}

/** Step 4: the records with no reject replace their stored versions; returns how many were new and changed. */
async function upsert(
  conn: DuckDBConnection,
  run: Run,
  p: Prepared,
  rawLabels: Set<string>,
  runId: number,
): Promise<{ newRecords: number; changed: number }> {
  const { entity, source } = p;
  const id = idOf(entity);
  await run(`create or replace temp view good as
    select * from checked anti join (select distinct ord from value_rejects) using (ord)`);
  const typed = typedColumns(entity, rawLabels);
  // What the upsert will do to each record: new, changed (any stored value differs), or unchanged.
  const diff = (
    await conn.runAndReadAll(
      `select count(*) filter (where r.${id} is null)::integer as new_records,
              count(*) filter (where r.${id} is not null
                and (${typed.map((t) => `g.${t.target}`).join(', ')}, $source)
                    is distinct from (${typed.map((t) => `r.${t.target}`).join(', ')}, r.source))::integer as changed
       from (select ${typed.map((t) => `${t.expr} as ${t.target}`).join(', ')} from good) g
       left join ${rawTable(entity)} r on r.${id} = g.${id}`,
      { source },
    )
  ).getRowObjectsJS()[0];
  await run(`delete from ${rawTable(entity)} where ${id} in (select ${id} from good)`);
  await run(
    `insert into ${rawTable(entity)} (source, ${typed.map((t) => t.target).join(', ')}, ingest_run_id, loaded_at)
     select $source, ${typed.map((t) => t.expr).join(', ')}, $run, now() from good`,
    { source, run: runId },
  );
  if (entity === 'changes') {
    await run('delete from raw_change_cis where change_id in (select change_id from good)');
    if (p.plan?.collect) {
      await run(
        `insert into raw_change_cis
         select $source, g.change_id, unnest(m.ci_list), $run from good g join mapped m using (ord)`,
        { source, run: runId },
      );
    }
  }
  return { newRecords: num(diff?.new_records), changed: num(diff?.changed) };
}

interface Counts {
  /** Rows the reader returned. */
  landed: number;
  /** Records it could not split. */
  structural: number;
  /** Records after a mapping's merges and skips (checked). */
  records: number;
  loaded: number;
}

/** The full path's counts (`landed`: the table the reader's rows went to). */
async function countsOf(conn: DuckDBConnection, landed: string): Promise<Counts> {
  const row = (
    await conn.runAndReadAll(
      `select (select count(*) from ${landed})::integer as landed,
              (select count(distinct record) from struct_rejects)::integer as structural,
              (select count(*) from checked)::integer as records,
              (select count(*) from good)::integer as loaded`,
    )
  ).getRowObjectsJS()[0];
  return {
    landed: num(row?.landed),
    structural: num(row?.structural),
    records: num(row?.records),
    loaded: num(row?.loaded),
  };
}

/** Step 5's report: the run's counts, first rejects and unknown labels. */
async function summarise(
  conn: DuckDBConnection,
  p: Prepared,
  runId: number,
  counts: Counts,
  diff: { newRecords: number; changed: number },
): Promise<IngestSummary> {
  const scan = await p.scan;
  const rowsRead = counts.landed + counts.structural;
  const records = counts.records;
  const skipped = p.plan?.skippedSql
    ? num(
        (
          await conn.runAndReadAll(
            p.plan.skippedSql,
            { null_tokens: p.plan.params.null_tokens ?? listValue([]) },
            { null_tokens: LIST(VARCHAR) },
          )
        ).getRows()[0]?.[0],
      )
    : 0;
  const rowsLoaded = counts.loaded;
  const firstRejects = (
    await conn.runAndReadAll(
      `select line, "column", value, reason from ingest_rejects where run_id = $run order by line, "column" limit 20`,
      { run: runId },
    )
  ).getRowObjectsJS() as unknown as Reject[];
  return {
    runId,
    file: p.label,
    entity: p.entity,
    source: p.source,
    layout: p.layout.kind === 'mapped' ? p.layout.name : 'canonical',
    encoding: p.encoding,
    sha256: scan.sha256,
    bytes: scan.bytes,
    rowsRead,
    records,
    merged: counts.landed - records - skipped,
    skipped,
    rowsLoaded,
    newRecords: diff.newRecords,
    changedRecords: diff.changed,
    unchangedRecords: rowsLoaded - diff.newRecords - diff.changed,
    rowsRejected: records - rowsLoaded + counts.structural,
    seconds: 0,
    modelSeconds: 0,
    firstRejects,
    unknownValues: p.plan ? await unknownValues(conn, p.plan) : [],
    notes: p.plan?.notes ?? [],
    also: [],
  };
}
