/**
 * The full path of a load after the read (phase 2, steps 2-5): the canonical
 * columns (the mapped export, the landing table or the reader itself), every
 * value converted and checked (checkSql.ts), the records with no reject upserted
 * by id, and the run's counts and first rejects.
 */
import { type DuckDBConnection, LIST, listValue, VARCHAR } from '@duckdb/node-api';
import { idColumnOf } from '../lib/entities.ts';
import { rawTable } from '../lib/schema.ts';
import { checkedSql, idOf, rejectHints, typedColumns, valueRejectsSql } from './checkSql.ts';
import type { Prepared } from './prepare.ts';
import { canonicalNames, type Run, readerOf, reading } from './reader.ts';
import { unknownValues } from './report.ts';
import type { IngestOptions, IngestSummary, Reject } from './types.ts';

const num = (v: unknown) => Number(v ?? 0);

/** Where the canonical columns are: the relation, its column for each canonical name, and the mapped raw labels. */
export interface CanonicalColumns {
  relation: string;
  present: Map<string, string>;
  rawLabels: Set<string>;
}

/**
 * Step 2: the relation that holds the canonical columns, and which of its
 * columns holds each: the mapped export, the landing table, or (`direct`) the
 * reader itself.
 */
export async function canonicalColumns(run: Run, p: Prepared, direct: boolean): Promise<CanonicalColumns> {
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
export async function checkValues(
  conn: DuckDBConnection,
  run: Run,
  p: Prepared,
  options: IngestOptions,
  columns: CanonicalColumns,
  read: { direct: boolean; share?: (pct: number) => number },
): Promise<void> {
  const { entity, source } = p;
  const { relation, present, rawLabels } = columns;
  const { direct, share } = read;
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
export async function upsert(
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

export interface Counts {
  /** Rows the reader returned. */
  landed: number;
  /** Records it could not split. */
  structural: number;
  /** Records after a mapping's merges and skips (checked). */
  records: number;
  loaded: number;
}

/** The full path's counts (`landed`: the table the reader's rows went to). */
export async function countsOf(conn: DuckDBConnection, landed: string): Promise<Counts> {
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
export async function summarise(
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
