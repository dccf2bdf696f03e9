/**
 * Phase 4 of a load: what a run leaves behind besides the records. Its row in
 * ingest_runs (loaded or failed) and its copy in the archive, written before
 * the commit so that a rebuild can replay every committed load.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { databasePath } from '../lib/db.ts';
import { type ArchiveEntry, appendEntry, type ReplayOptions, storeFile, storeMapping } from './archive.ts';
import { ingestSql } from './ingestSql.ts';
import type { Prepared } from './prepare.ts';
import type { IngestOptions, IngestSummary } from './types.ts';

export async function recordRun(
  conn: DuckDBConnection,
  s: Pick<
    IngestSummary,
    'runId' | 'file' | 'entity' | 'source' | 'sha256' | 'rowsRead' | 'rowsLoaded' | 'rowsRejected'
  >,
  started: Date,
  status: 'loaded' | 'failed',
  error: string | null,
) {
  await conn.run(ingestSql('record_run'), {
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
  });
}

/**
 * Copies the file (and its mapping) into the archive before the load commits;
 * returns what writes the manifest line after the commit (see ingest/archive.ts).
 */
export function archiveBeforeCommit(p: Prepared, options: IngestOptions) {
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
