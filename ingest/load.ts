/**
 * Loads one canonical CSV file into raw_<entity>, in one transaction.
 *
 * DuckDB reads the file (all text) into a landing table, SQL generated from the
 * entity schema converts and checks every value, bad values become
 * ingest_rejects rows, and the good rows are upserted by (source, id). Any
 * unexpected failure rolls the whole file back and is recorded as a failed run.
 */
import path from 'node:path';
import { type DuckDBConnection, type DuckDBValue, listValue } from '@duckdb/node-api';
import { withConnection } from '../lib/db.ts';
import { type EntityName, idColumnOf } from './entities.ts';
import { scanFile } from './scan.ts';
import { ensureSchema } from './schema.ts';
import { detectEntity, IngestError, sniff } from './sniff.ts';
import { checkedSql, idOf, rawTable, typedColumns, valueRejectsSql } from './sql.ts';

export interface IngestOptions {
  source?: string;
  timezone?: string;
  entity?: EntityName;
  delimiter?: string;
  /** Name used in messages and ingest_runs (default: the path as given). */
  displayName?: string;
  /** Called with 0..100 while DuckDB reads a large file. */
  onProgress?: (percent: number) => void;
}

export interface IngestSummary {
  runId: number;
  file: string;
  entity: EntityName;
  source: string;
  sha256: string;
  bytes: number;
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  seconds: number;
  firstRejects: { line: number | null; column: string | null; value: string | null; reason: string }[];
}

const num = (v: unknown) => Number(v ?? 0);

async function scalar(conn: DuckDBConnection, sql: string, params?: Record<string, unknown>) {
  const rows = (await conn.runAndReadAll(sql, params as never)).getRowObjectsJS();
  return rows[0] ? Object.values(rows[0])[0] : undefined;
}

export async function ingestFile(file: string, options: IngestOptions = {}): Promise<IngestSummary> {
  const source = options.source ?? 'csv';
  const timezone = options.timezone ?? 'UTC';
  const label = options.displayName ?? file;
  const started = new Date();
  const shape = sniff(file, options.delimiter);
  const match = detectEntity(label, shape, options.entity);
  const entity = match.entity;
  const scan = await scanFile(file);

  return withConnection(async (conn) => {
    await ensureSchema(conn);
    const runId = num(await scalar(conn, "select nextval('ingest_run_seq')::integer"));
    // RELEASELENS_TRACE=1 prints how long each SQL step of the load takes.
    const trace = Boolean(process.env.RELEASELENS_TRACE);
    const run = async (sql: string, values?: Record<string, DuckDBValue>) => {
      const t0 = performance.now();
      await conn.run(sql, values);
      if (trace)
        process.stderr.write(`  ${((performance.now() - t0) / 1000).toFixed(3)} s  ${sql.trim().split('\n')[0]}\n`);
    };
    try {
      await run('begin transaction');
      // 1. DuckDB reads the file: every column as text, structural errors to rej_errors.
      const columns = shape.normalized.map((_, i) => `'c${i}': 'varchar'`).join(', ');
      const present = new Map<string, string>();
      shape.normalized.forEach((name, i) => {
        if (!present.has(name)) present.set(name, `c${i}`);
      });
      const read = run(
        `create or replace temp table landing_raw as
         select * from read_csv($path, header = true, auto_detect = false, delim = $delim,
           quote = '"', escape = '"', columns = {${columns}}, store_rejects = true,
           rejects_table = 'rej_errors', rejects_scan = 'rej_scans', parallel = true)`,
        { path: path.resolve(file), delim: shape.delimiter },
      );
      const timer = options.onProgress
        ? setInterval(() => options.onProgress?.(conn.progress.percentage), 250)
        : undefined;
      try {
        await read;
      } finally {
        if (timer) clearInterval(timer);
      }
      await run(`create or replace temp table struct_rejects as
        select line - 1 as record, coalesce(min(column_name), '') as "column", trim(min(csv_line), e'\r\n') as value,
          error_type || ': ' || min(error_message) as reason
        from rej_errors
        group by line, error_type`);
      // Landing row `ord` is data record ord + 1 + (structural rejects before it).
      await run(`create or replace temp table struct_shift as
        select record - row_number() over (order by record) as from_ord,
               row_number() over (order by record) as shift
        from (select distinct record from struct_rejects)`);
      await run('create or replace temp table line_shifts (record integer, extra integer)');
      if (scan.lineShifts.length > 0) {
        await run('insert into line_shifts select unnest($r), unnest($e)', {
          r: listValue(scan.lineShifts.map((s) => s[0])),
          e: listValue(scan.lineShifts.map((s) => s[1])),
        });
      }

      // 2. Convert and check every value in SQL.
      await run(checkedSql(entity, present), { tz: timezone });
      await run(valueRejectsSql(entity));
      const id = idOf(entity);
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

      // 3. Upsert the rows with no reject by (source, id).
      await run(`create or replace temp view good as
        select * from checked anti join (select distinct ord from value_rejects) using (ord)`);
      const typed = typedColumns(entity);
      await run(`delete from ${rawTable(entity)} where ${id} in (select ${id} from good)`);
      await run(
        `insert into ${rawTable(entity)} (source, ${typed.map((t) => t.target).join(', ')}, ingest_run_id, loaded_at)
         select $source, ${typed.map((t) => t.expr).join(', ')}, $run, now() from good`,
        { source, run: runId },
      );

      // 4. Rejects with record and physical line numbers.
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
        { run: runId, file: label },
      );
      const counts = (
        await conn.runAndReadAll(
          `select (select count(*) from landing_raw)::integer as landed,
                  (select count(distinct record) from struct_rejects)::integer as structural,
                  (select count(*) from good)::integer as loaded`,
        )
      ).getRowObjectsJS()[0];
      const rowsLoaded = num(counts?.loaded);
      const rowsRead = num(counts?.landed) + num(counts?.structural);
      const summary: IngestSummary = {
        runId,
        file: label,
        entity,
        source,
        sha256: scan.sha256,
        bytes: scan.bytes,
        rowsRead,
        rowsLoaded,
        rowsRejected: rowsRead - rowsLoaded,
        seconds: (Date.now() - started.getTime()) / 1000,
        firstRejects: [],
      };
      await recordRun(conn, summary, started, 'loaded', null);
      const t0 = performance.now();
      await run('commit');
      if (trace) process.stderr.write(`  commit total ${((performance.now() - t0) / 1000).toFixed(3)} s\n`);
      summary.firstRejects = (
        await conn.runAndReadAll(
          `select line, "column", value, reason from ingest_rejects where run_id = $run
           order by line, "column" limit 20`,
          { run: runId },
        )
      ).getRowObjectsJS() as IngestSummary['firstRejects'];
      return summary;
    } catch (err) {
      await conn.run('rollback');
      const message = (err as Error).message;
      await recordRun(
        conn,
        { runId, file: label, entity, source, sha256: scan.sha256, rowsRead: 0, rowsLoaded: 0, rowsRejected: 0 },
        started,
        'failed',
        message,
      );
      throw new IngestError(label, `nothing from this file was loaded: ${message}`);
    }
  });
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
