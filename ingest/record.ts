/**
 * Phase 4 of a load: what a run leaves behind besides the records. Its row in
 * ingest_runs (loaded or failed) and its copy in the archive, written before
 * the commit so that a rebuild can replay every committed load.
 */
import fs from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { databasePath } from '../lib/db.ts';
import {
  type ArchiveEntry,
  appendEntry,
  archivedFile,
  type ReplayOptions,
  storeFile,
  storeMapping,
} from './archive.ts';
import type { Prepared } from './prepare.ts';
import { ingestSql } from './statements.ts';
import type { IngestOptions, IngestSummary } from './types.ts';

export async function recordRun(
  conn: DuckDBConnection,
  s: Pick<IngestSummary, 'runId' | 'file' | 'entity' | 'source' | 'rowsRead' | 'rowsLoaded' | 'rowsRejected'> & {
    sha256: string | null;
  },
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

/** A load's copy in the archive, made while the load runs (see ingest/archive.ts). */
export interface Archiving {
  /** Resolves when the copy is durable, to what writes the manifest line after the commit. */
  ready: Promise<(e: Pick<ArchiveEntry, 'runId' | 'name' | 'entity' | 'loadedAt'>) => void>;
  /** After a load that failed: removes the copy if this load made it. */
  discard: () => Promise<void>;
}

/**
 * Starts copying the file (and its mapping) into the archive; the load awaits
 * `ready` before it commits, so a committed load always has its file.
 */
export function startArchive(p: Prepared, options: IngestOptions): Archiving | undefined {
  const db = databasePath();
  if (options.archive === false || db === ':memory:') return undefined;
  const stored = p.scan.then((scan) => storeFile(db, p.file, scan.sha256));
  const ready = (async () => {
    await stored;
    const { sha256 } = await p.scan;
    const mappingSha256 = options.mappingFile ? await storeMapping(db, options.mappingFile) : undefined;
    const replay: ReplayOptions = {
      source: options.source,
      timezone: options.timezone,
      entity: options.entity,
      delimiter: options.delimiter,
      profile: options.profile,
    };
    return (e: Pick<ArchiveEntry, 'runId' | 'name' | 'entity' | 'loadedAt'>) =>
      appendEntry(db, { sha256, ...e, options: replay, ...(mappingSha256 ? { mappingSha256 } : {}) });
  })();
  // awaited before the commit or by discard; a failure until then must not end the process
  ready.catch(() => {});
  return {
    ready,
    discard: async () => {
      if (await stored.catch(() => false))
        await fs.promises.rm(archivedFile(db, (await p.scan).sha256), { force: true });
    },
  };
}
