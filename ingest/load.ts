/**
 * Loads one CSV file into raw_<entity>, in one transaction.
 *
 * DuckDB reads the file (all text) into a landing table. A canonical file goes
 * straight to the checks; an ITSM export is first turned into canonical columns
 * by its mapping (mapSql.ts). SQL generated from the entity schema converts and
 * checks every value, bad values become ingest_rejects rows, and the good rows
 * are upserted by (source, id). Any unexpected failure rolls the whole file
 * back and is recorded as a failed run. A dry run does all of it on the first
 * rows in a scratch in-memory database and writes nothing.
 */
import path from 'node:path';
import { type DuckDBConnection, type DuckDBValue, LIST, listValue, VARCHAR } from '@duckdb/node-api';
import { databasePath, typesFor, withScratch, withWriter } from '../lib/db.ts';
import { type EntityName, idColumnOf } from '../lib/entities.ts';
import { ensureSchema, rawTable } from '../lib/schema.ts';
import { updateModels } from '../queries/refresh.ts';
import { type ArchiveEntry, appendEntry, type ReplayOptions, storeFile, storeMapping } from './archive.ts';
import { asUtf8, detectEncoding, type Encoding } from './encoding.ts';
import { chooseLayout, type Layout } from './layout.ts';
import { companionMappings } from './mapping.ts';
import { type MappedPlan, planMapping } from './mapSql.ts';
import { lineOfRecord, scanFile } from './scan.ts';
import { IngestError, sniff } from './sniff.ts';
import { checkedSql, idOf, quoteIdent, rejectHints, typedColumns, valueRejectsSql } from './sql.ts';

export interface IngestOptions {
  source?: string;
  timezone?: string;
  entity?: EntityName;
  delimiter?: string;
  /** Name used in messages and ingest_runs (default: the path as given). */
  displayName?: string;
  /** A mapping file (YAML or JSON) describing the export's layout. */
  mappingFile?: string;
  /** canonical | auto (default) | servicenow | jira | a profile name from ingest/profiles. */
  profile?: string;
  /** Check the first N records (or all) in a scratch database and return a preview; nothing is written. */
  dryRun?: number | 'all';
  /** Called with 0..100 while DuckDB reads a large file. */
  onProgress?: (percent: number) => void;
  /** Write a starter mapping beside an unrecognised file (default true; uploads: false). */
  starterMapping?: boolean;
  /** Keep a copy of each loaded file in the database's archive (default true; a rebuild replays it). */
  archive?: boolean;
}

export interface Reject {
  line: number | null;
  column: string | null;
  value: string | null;
  reason: string;
}

export interface UnknownValue {
  column: string;
  value: string;
  count: number;
  resolution: 'rejected' | 'null' | 'default';
}

export interface Preview {
  header: string[];
  /** The header cells the mapping reads (all, for a canonical file). */
  used: number[];
  rows: { line: number; source: (string | null)[]; mapped: Record<string, unknown> | null; rejects: Reject[] }[];
  /** Rejects of every checked row by column and reason (the value taken out of the reason). */
  tally: { column: string; reason: string; count: number }[];
  /** Whether every row was checked (`--dry-run all`) or the first N. */
  checked: 'all' | number;
}

export interface IngestSummary {
  runId: number;
  file: string;
  entity: EntityName;
  source: string;
  /** "canonical", a profile name, or the mapping file's name. */
  layout: string;
  encoding: Encoding;
  sha256: string;
  bytes: number;
  rowsRead: number;
  /** Records after merging versions (latest_by) or rows of one record (collect). */
  records: number;
  /** Rows folded into another row's record (older versions, further CIs of one change). */
  merged: number;
  /** Rows left out because the mapping's skip_empty columns were all empty (e.g. issues without a rating). */
  skipped: number;
  rowsLoaded: number;
  /** Of the loaded records: not stored before; stored with some other value; stored exactly so. */
  newRecords: number;
  changedRecords: number;
  unchangedRecords: number;
  rowsRejected: number;
  seconds: number;
  /** Of those seconds, the model build (0 for a dry run). */
  modelSeconds: number;
  firstRejects: Reject[];
  unknownValues: UnknownValue[];
  /** How the mapping read the file where it had to choose (e.g. the go-live from 'Resolved'). */
  notes: string[];
  /** The further entities loaded from the same file (the mapping's `also`), one run each. */
  also: IngestSummary[];
  preview?: Preview;
}

const num = (v: unknown) => Number(v ?? 0);

interface Prepared {
  /** The file as given (archived as it is). */
  file: string;
  label: string;
  readPath: string;
  cleanup: () => void;
  header: string[];
  normalized: string[];
  delimiter: string;
  layout: Layout;
  plan: MappedPlan | null;
  entity: EntityName;
  source: string;
  timezone: string;
  encoding: Encoding;
  sha256: string;
  bytes: number;
  lineShifts: [number, number][];
}

async function prepare(file: string, options: IngestOptions): Promise<Prepared> {
  const label = options.displayName ?? file;
  // A file that is not UTF-8 is read as Windows-1252 unless its mapping says which single-byte encoding it is.
  const detected = detectEncoding(file);
  let shape = sniff(file, options.delimiter, label);
  const layout = chooseLayout(file, label, shape, {
    mappingFile: options.mappingFile,
    profile: options.profile,
    entity: options.entity,
    starterMapping: options.starterMapping,
  });
  let readPath = file;
  let cleanup = () => {};
  let plan: MappedPlan | null = null;
  let encoding: Encoding = detected;
  if (layout.kind === 'canonical' && detected !== 'utf-8') {
    ({ file: readPath, cleanup } = await asUtf8(file, detected));
    shape = sniff(readPath, options.delimiter, label);
  }
  if (layout.kind === 'mapped') {
    const m = layout.mapping;
    if (options.entity && options.entity !== m.entity) {
      throw new IngestError(label, `--entity ${options.entity} does not match the mapping's entity ${m.entity}`);
    }
    encoding = m.csv.encoding === 'utf-8' ? detected : m.csv.encoding;
    ({ file: readPath, cleanup } = await asUtf8(file, encoding));
    const delimiter =
      m.csv.delimiter === 'auto' ? options.delimiter : m.csv.delimiter === 'tab' ? '\t' : m.csv.delimiter;
    shape = sniff(readPath, delimiter, label);
    try {
      plan = planMapping(m, shape.header);
    } catch (err) {
      cleanup();
      throw new IngestError(label, `${layout.name}: ${(err as Error).message}`, 1);
    }
  }
  const scan = await scanFile(file);
  const mapping = layout.kind === 'mapped' ? layout.mapping : undefined;
  return {
    file,
    label,
    readPath,
    cleanup,
    header: shape.header,
    normalized: shape.normalized,
    delimiter: shape.delimiter,
    layout,
    plan,
    entity: layout.kind === 'mapped' ? layout.mapping.entity : layout.entity,
    source: options.source ?? mapping?.source ?? 'csv',
    timezone: options.timezone ?? mapping?.timestamps.timezone ?? 'UTC',
    encoding,
    sha256: scan.sha256,
    bytes: scan.bytes,
    lineShifts: scan.lineShifts,
  };
}

/** Prepares and loads one file on the given connection (its own transaction); no model build. */
async function loadFile(conn: DuckDBConnection, file: string, options: IngestOptions): Promise<IngestSummary> {
  const started = new Date();
  const p = await prepare(file, options);
  try {
    const summary = await load(conn, p, options, started);
    // Further entities the same export holds (the mapping's `also`), each a run of its own on the same file.
    if (p.layout.kind === 'mapped') {
      for (const companion of companionMappings(p.layout.mapping, p.header, p.layout.name)) {
        const q: Prepared = {
          ...p,
          layout: { kind: 'mapped', name: `${p.layout.name}, ${companion.entity}`, mapping: companion },
          plan: planMapping(companion, p.header),
          entity: companion.entity,
          source: options.source ?? companion.source ?? 'csv',
        };
        summary.also.push(await load(conn, q, { ...options, archive: false }, new Date()));
      }
    }
    return summary;
  } finally {
    p.cleanup();
  }
}

export interface FileResult {
  file: string;
  summary?: IngestSummary;
  error?: Error;
}

export interface BatchResult {
  results: FileResult[];
  /** The data version the batch's model build made (null when nothing loaded or the build failed). */
  dataVersion: number | null;
  modelSeconds: number;
  /** The files loaded but the models could not be rebuilt (they are rebuilt on the next read). */
  buildError: Error | null;
}

/**
 * Loads files one after another, each in its own transaction (a file that
 * fails costs nothing that was stored), then builds the models once. Readers
 * see the data before the batch until the new data version is complete.
 */
export function ingestFiles(
  files: string[],
  options: IngestOptions = {},
  onFile?: (result: FileResult) => void,
): Promise<BatchResult> {
  return ingestBatch(
    files.map((file) => ({ file, options })),
    onFile,
  );
}

/** As ingestFiles, with options per file (a rebuild replays loads made with different options). */
export function ingestBatch(
  items: { file: string; options: IngestOptions }[],
  onFile?: (result: FileResult) => void,
): Promise<BatchResult> {
  return withWriter(async (conn) => {
    const results: FileResult[] = [];
    for (const { file, options } of items) {
      let result: FileResult;
      try {
        result = { file, summary: await loadFile(conn, file, options) };
      } catch (err) {
        result = { file, error: err as Error };
      }
      results.push(result);
      onFile?.(result);
    }
    const batch: BatchResult = { results, dataVersion: null, modelSeconds: 0, buildError: null };
    if (!results.some((r) => r.summary)) return batch;
    const t0 = performance.now();
    try {
      batch.dataVersion = await updateModels(conn);
    } catch (err) {
      batch.buildError = new Error(
        `the data loaded, but the models could not be rebuilt: ${(err as Error).message}; they are rebuilt when the dashboard next reads`,
      );
    }
    batch.modelSeconds = (performance.now() - t0) / 1000;
    return batch;
  });
}

/** Loads one file and builds the models (or, with dryRun, previews it in a scratch database). */
export async function ingestFile(file: string, options: IngestOptions = {}): Promise<IngestSummary> {
  if (options.dryRun !== undefined) return withScratch((conn) => loadFile(conn, file, options));
  const batch = await ingestFiles([file], options);
  const [result] = batch.results;
  if (result?.error) throw result.error;
  if (batch.buildError) throw new IngestError(file, batch.buildError.message);
  if (!result?.summary) throw new Error(`${file}: no result`);
  return { ...result.summary, modelSeconds: batch.modelSeconds, seconds: result.summary.seconds + batch.modelSeconds };
}

async function load(
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
  // RELEASELENS_TRACE=1 prints how long each SQL step of the load takes.
  const trace = Boolean(process.env.RELEASELENS_TRACE);
  const run = async (sql: string, values?: Record<string, DuckDBValue>) => {
    const t0 = performance.now();
    await conn.run(sql, values, values ? typesFor(values) : undefined);
    if (trace)
      process.stderr.write(`  ${((performance.now() - t0) / 1000).toFixed(3)} s  ${sql.trim().split('\n')[0]}\n`);
  };
  const { entity, source } = p;
  const id = idOf(entity);
  try {
    await run('begin transaction');
    // 1. DuckDB reads the file: every column as text, structural errors to rej_errors.
    const columns = p.normalized.map((_, i) => `'c${i}': 'varchar'`).join(', ');
    const read = run(
      `create or replace temp table landing_raw as
       select * from read_csv($path, header = true, auto_detect = false, delim = $delim,
         quote = '"', escape = '"', columns = {${columns}}, store_rejects = true,
         rejects_table = 'rej_errors', rejects_scan = 'rej_scans', parallel = true)
       ${limit !== null ? 'limit $limit' : ''}`,
      { path: path.resolve(p.readPath), delim: p.delimiter, ...(limit !== null ? { limit } : {}) },
    );
    if (options.onProgress) await conn.run('set enable_progress_bar = true; set enable_progress_bar_print = false');
    const timer = options.onProgress
      ? setInterval(() => {
          const pct = conn.progress.percentage;
          if (pct >= 0) options.onProgress?.(pct);
        }, 250)
      : undefined;
    try {
      await read;
    } finally {
      if (timer) clearInterval(timer);
    }
    await run(
      `create or replace temp table struct_rejects as
      select line - 1 as record, coalesce(min(column_name), '') as "column", trim(min(csv_line), e'\\r\\n') as value,
        error_type || ': ' || min(error_message) as reason
      from rej_errors ${limit !== null ? 'where line - 1 <= $limit' : ''}
      group by line, error_type`,
      limit !== null ? { limit } : undefined,
    );
    // Landing row `ord` is data record ord + 1 + (structural rejects before it).
    await run(`create or replace temp table struct_shift as
      select record - row_number() over (order by record) as from_ord,
             row_number() over (order by record) as shift
      from (select distinct record from struct_rejects)`);
    await run('create or replace temp table line_shifts (record integer, extra integer)');
    if (p.lineShifts.length > 0) {
      await run('insert into line_shifts select unnest($r), unnest($e)', {
        r: listValue(p.lineShifts.map((s) => s[0])),
        e: listValue(p.lineShifts.map((s) => s[1])),
      });
    }

    // 2. The canonical columns: the landing table itself, or the export mapped onto it.
    let relation: string;
    let present: Map<string, string>;
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
      relation = 'mapped';
      present = p.plan.present;
    } else {
      await run(`create or replace temp view landing as
        select rowid - (select min(rowid) from landing_raw) as ord, * from landing_raw`);
      relation = 'landing';
      present = new Map();
      p.normalized.forEach((name, i) => {
        if (!present.has(name)) present.set(name, `c${i}`);
      });
    }

    // 3. Convert and check every value in SQL.
    const rawLabels = new Set(p.plan ? p.plan.mappedColumns.keys() : []);
    await run(
      checkedSql(
        entity,
        present,
        relation,
        [...rawLabels].map((c) => `raw_${c}`),
      ),
      { tz: p.timezone },
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

    // 4. Upsert the records with no reject by (source, id).
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

    // 5. Rejects with record and physical line numbers.
    await run(
      `insert into ingest_rejects
       with located as (
         select v.ord + 1 + coalesce(s.shift, 0) as record, v."column", v.value, v.reason
         from value_rejects v asof left join struct_shift s on v.ord >= s.from_ord
         union all
         select record, "column", value, reason from struct_rejects
       )
       select $run, $file, (l.record + 1 + coalesce(x.extra, 0))::integer, l.record::integer, l."column", l.value, l.reason
       from located l asof left join line_shifts x on l.record >= x.record`,
      { run: runId, file: p.label },
    );
    const counts = (
      await conn.runAndReadAll(
        `select (select count(*) from landing_raw)::integer as landed,
                (select count(distinct record) from struct_rejects)::integer as structural,
                (select count(*) from ${relation})::integer as records,
                (select count(*) from good)::integer as loaded`,
      )
    ).getRowObjectsJS()[0];
    const rowsRead = num(counts?.landed) + num(counts?.structural);
    const records = num(counts?.records);
    const skipped = p.plan?.skippedSql
      ? num(
          (
            await conn.runAndReadAll(
              p.plan.skippedSql,
              { null_tokens: p.plan.params.null_tokens ?? listValue([]) },
              {
                null_tokens: LIST(VARCHAR),
              },
            )
          ).getRows()[0]?.[0],
        )
      : 0;
    const rowsLoaded = num(counts?.loaded);
    const summary: IngestSummary = {
      runId,
      file: p.label,
      entity,
      source,
      layout: p.layout.kind === 'mapped' ? p.layout.name : 'canonical',
      encoding: p.encoding,
      sha256: p.sha256,
      bytes: p.bytes,
      rowsRead,
      records,
      merged: num(counts?.landed) - records - skipped,
      skipped,
      rowsLoaded,
      newRecords: num(diff?.new_records),
      changedRecords: num(diff?.changed),
      unchangedRecords: rowsLoaded - num(diff?.new_records) - num(diff?.changed),
      rowsRejected: records - rowsLoaded + num(counts?.structural),
      seconds: 0,
      modelSeconds: 0,
      firstRejects: [],
      unknownValues: p.plan ? await unknownValues(conn, p.plan) : [],
      notes: p.plan?.notes ?? [],
      also: [],
    };
    summary.firstRejects = (
      await conn.runAndReadAll(
        `select line, "column", value, reason from ingest_rejects where run_id = $run order by line, "column" limit 20`,
        { run: runId },
      )
    ).getRowObjectsJS() as unknown as Reject[];
    if (dryRun) {
      summary.preview = await preview(conn, p, runId, options.dryRun ?? 10);
      await conn.run('rollback');
    } else {
      summary.seconds = (Date.now() - started.getTime()) / 1000;
      await recordRun(conn, summary, started, 'loaded', null);
      for (const note of summary.notes)
        await run('insert into ingest_notes values ($run, $note)', { run: runId, note });
      const archived = archiveBeforeCommit(p, options);
      await run('commit');
      archived?.({ runId, name: p.label, entity, loadedAt: new Date().toISOString() });
    }
    summary.seconds = (Date.now() - started.getTime()) / 1000;
    return summary;
  } catch (err) {
    await conn.run('rollback');
    const message = (err as Error).message;
    if (!dryRun) {
      await recordRun(
        conn,
        { runId, file: p.label, entity, source, sha256: p.sha256, rowsRead: 0, rowsLoaded: 0, rowsRejected: 0 },
        started,
        'failed',
        message,
      );
    }
    throw new IngestError(p.label, `nothing from this file was loaded: ${message}`);
  }
}

/**
 * Copies the file (and its mapping) into the archive before the load commits;
 * returns what writes the manifest line after the commit (see ingest/archive.ts).
 */
function archiveBeforeCommit(p: Prepared, options: IngestOptions) {
  const db = databasePath();
  if (options.archive === false || db === ':memory:') return undefined;
  storeFile(db, p.file, p.sha256);
  const mappingSha256 = options.mappingFile ? storeMapping(db, options.mappingFile) : undefined;
  const replay: ReplayOptions = {
    source: options.source,
    timezone: options.timezone,
    entity: options.entity,
    delimiter: options.delimiter,
    profile: options.profile,
  };
  return (e: Pick<ArchiveEntry, 'runId' | 'name' | 'entity' | 'loadedAt'>) =>
    appendEntry(db, { sha256: p.sha256, ...e, options: replay, ...(mappingSha256 ? { mappingSha256 } : {}) });
}

/** Labels that a mapping's value map did not know, with counts and what became of them. */
async function unknownValues(conn: DuckDBConnection, plan: MappedPlan): Promise<UnknownValue[]> {
  const out: UnknownValue[] = [];
  for (const [column, fallback] of plan.mappedColumns) {
    const raw = quoteIdent(`raw_${column}`);
    const rows = (
      await conn.runAndReadAll(
        `select ${raw} as value, count(*)::integer as n from mapped
         where ${raw} is not null
           and lower(${raw}) not in (select source from value_maps where "column" = $column)
         group by all order by n desc, value limit 50`,
        { column },
      )
    ).getRowObjectsJS();
    for (const r of rows) {
      out.push({
        column,
        value: String(r.value),
        count: num(r.n),
        resolution: fallback === 'reject' ? 'rejected' : fallback,
      });
    }
  }
  return out;
}

/** For a dry run: each landing row's source values, the record it became, and its rejects. */
async function preview(conn: DuckDBConnection, p: Prepared, runId: number, checked: number | 'all'): Promise<Preview> {
  // Rows shown: the N checked, or the first 10 of all.
  const shown = checked === 'all' ? 10 : checked;
  const source = (
    await conn.runAndReadAll('select * from landing_raw order by rowid limit $shown', { shown })
  ).getRows();
  const typedCols = typedColumns(p.entity).filter((t) => !t.target.startsWith('"original_'));
  const mapped = (
    await conn.runAndReadAll(
      `select ord, ${typedCols.map((t) => t.expr).join(', ')} from checked where ord < $shown order by ord`,
      { shown },
    )
  ).getRowObjectsJS();
  const byOrd = new Map(mapped.map((m) => [num(m.ord), m]));
  const rejects = (
    await conn.runAndReadAll(
      `select record, line, "column", value, reason from ingest_rejects where run_id = $run
       order by line, "column" limit 1000`,
      { run: runId },
    )
  ).getRowObjectsJS();
  const tally = (
    await conn.runAndReadAll(
      `select coalesce("column", '') as "column", regexp_replace(regexp_replace(reason, '^''[^'']*'' ', ''), ', got .*$', '') as reason, count(*)::integer as n
       from ingest_rejects where run_id = $run group by all order by n desc, "column", reason limit 100`,
      { run: runId },
    )
  )
    .getRowObjectsJS()
    .map((r) => ({ column: String(r.column), reason: String(r.reason), count: num(r.n) }));
  const shifts = (
    await conn.runAndReadAll('select from_ord, shift from struct_shift order by from_ord')
  ).getRowObjectsJS();
  const recordOf = (ord: number) => ord + 1 + shifts.filter((s) => num(s.from_ord) <= ord).length;
  return {
    header: p.header,
    used: p.plan?.usedColumns ?? p.header.map((_, i) => i),
    tally,
    checked,
    rows: source.map((values, ord) => {
      const record = recordOf(ord);
      const m = byOrd.get(ord);
      const mine = rejects.filter((r) => num(r.record) === record);
      const { ord: _ord, ...fields } = m ?? { ord: 0 };
      return {
        line: lineOfRecord(p, record),
        source: values.map((v) => (v === null ? null : String(v))),
        mapped: m ? fields : null,
        rejects: mine.map((r) => ({
          line: num(r.line),
          column: r.column as string,
          value: r.value as string | null,
          reason: String(r.reason),
        })),
      };
    }),
  };
}

async function recordRun(
  conn: DuckDBConnection,
  s: Pick<
    IngestSummary,
    'runId' | 'file' | 'entity' | 'source' | 'sha256' | 'rowsRead' | 'rowsLoaded' | 'rowsRejected'
  >,
  started: Date,
  status: 'loaded' | 'failed',
  error: string | null,
) {
  await conn.run(
    `insert into ingest_runs values ($run, $file, $sha, $entity, $source, $read, $loaded, $rejected,
       $started::timestamptz, now(), $status, $error)`,
    {
      run: s.runId,
      file: s.file,
      sha: s.sha256,
      entity: s.entity,
      source: s.source,
      read: s.rowsRead,
      loaded: s.rowsLoaded,
      rejected: s.rowsRejected,
      started: started.toISOString(),
      status,
      error,
    },
  );
}
