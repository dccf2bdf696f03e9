/**
 * Where a load runs: handed to the dashboard that holds the database (it
 * alone may write it; lib/runningServer.ts), or in this process when none
 * serves it (or the one named stopped answering). Used by `npm run ingest`
 * and by every pulled batch (pull/).
 */
import path from 'node:path';
import { log } from '../lib/command.ts';
import { databasePath } from '../lib/db.ts';
import { readServerInfo } from '../lib/runningServer.ts';
import { handOff, ServerUnreachable } from './handoff.ts';
import { type BatchResult, type FileResult, type IngestOptions, ingestFiles } from './load.ts';

export async function loadOrHandOff(
  files: string[],
  options: IngestOptions,
  onFile: (result: FileResult) => void,
  who = 'ingest',
): Promise<BatchResult> {
  const db = databasePath();
  const server = readServerInfo(db);
  if (server) {
    log(`${who}: the dashboard (PID ${server.pid}, port ${server.port}) holds ${db}; handing the files to it`);
    // the server never writes a starter mapping and reports no progress: those stay here
    const { onProgress: _progress, starterMapping: _starter, ...sent } = options;
    try {
      return await handOff(
        server,
        {
          files: files.map((f) => path.resolve(f)),
          options: { ...sent, mappingFile: sent.mappingFile ? path.resolve(sent.mappingFile) : undefined },
        },
        onFile,
      );
    } catch (err) {
      if (!(err instanceof ServerUnreachable)) throw err;
      log(`${who}: the dashboard did not answer (${err.message}); loading into ${db} directly`);
    }
  } else {
    log(`${who}: no dashboard serves ${db}; loading into it directly`);
  }
  return ingestFiles(files, options, onFile);
}
