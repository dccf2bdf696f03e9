/**
 * Phase 4 of a load: what a run leaves behind besides the records. Its row in
 * ingest_runs (loaded or failed) and its copy in the archive, written before
 * the commit so that a rebuild can replay every committed load.
 */
import fs from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { databasePath } from '../lib/db.ts';
import { idColumnOf } from '../lib/entities.ts';
import { rawTable } from '../lib/schema.ts';
import { quoteIdent } from '../lib/sqlText.ts';
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
import type { IngestOptions, IngestSummary, PullMark } from './types.ts';

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

/**
 * A pulled batch's watermark (and, for a whole re-read, what is gone
 * upstream), written inside the load's transaction so the watermark advances
 * only when the records commit.
 */
export async function recordPull(conn: DuckDBConnection, p: Prepared, mark: PullMark, runId: number): Promise<void> {
  const common = { run: runId, source: mark.source, target: mark.target, session: mark.session };
  if (mark.full && mark.last) {
    const sql = ingestSql('note_gone')
      .replaceAll('{id}', quoteIdent(idColumnOf(p.entity)))
      .replaceAll('{raw}', rawTable(p.entity));
    const statements = sql
      .replace(/--.*$/gm, '')
      .split(';')
      .filter((s) => s.trim());
    for (const statement of statements) {
      const values = { ...common, entity: p.entity };
      await conn.run(
        statement,
        Object.fromEntries(Object.entries(values).filter(([k]) => statement.includes(`$${k}`))),
      );
    }
  }
  await conn.run(ingestSql('record_pull'), {
    ...common,
    watermark: mark.watermark,
    fetched: mark.fetched,
    full: mark.full === true,
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
      ...(options.pull ? { pull: options.pull } : {}),
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
