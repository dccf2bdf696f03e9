/**
 * Loads CSV files into raw_<entity>, each in one transaction, then updates the
 * models once. A load runs in phases, one module each:
 *   prepare.ts   the file before DuckDB reads it (encoding, header, layout, hash);
 *   pipeline.ts  read, map, check and upsert in SQL (statements in sql/ and checkSql.ts);
 *   report.ts    unknown labels and a dry run's preview;
 *   record.ts    the run's row in ingest_runs and its copy in the archive.
 * A file that fails costs nothing that was stored. A dry run does all of it on
 * the first rows in a scratch in-memory database and writes nothing.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { withScratch, withWriter } from '../lib/db.ts';
import { updateModels } from '../queries/refresh.ts';
import { companionMappings } from './mapping.ts';
import { planMapping } from './mappingSql.ts';
import { loadPrepared } from './pipeline.ts';
import { type Prepared, prepare } from './prepare.ts';
import { IngestError } from './sniff.ts';
import type { IngestOptions, IngestSummary } from './types.ts';

export type { IngestOptions, IngestSummary, Preview, Reject, UnknownValue } from './types.ts';

/** Prepares and loads one file on the given connection (its own transaction); no model build. */
async function loadFile(conn: DuckDBConnection, file: string, options: IngestOptions): Promise<IngestSummary> {
  const started = new Date();
  const p = await prepare(file, options);
  try {
    const summary = await loadPrepared(conn, p, options, started);
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
        summary.also.push(await loadPrepared(conn, q, { ...options, archive: false }, new Date()));
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
  /** True when the current build was refreshed in place (queries/refresh.ts), false when built whole. */
  modelsRefreshed: boolean;
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
    const batch: BatchResult = {
      results,
      dataVersion: null,
      modelsRefreshed: false,
      modelSeconds: 0,
      buildError: null,
    };
    if (!results.some((r) => r.summary)) return batch;
    const t0 = performance.now();
    try {
      const update = await updateModels(conn);
      batch.dataVersion = update.dataVersion;
      batch.modelsRefreshed = update.refreshed;
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
