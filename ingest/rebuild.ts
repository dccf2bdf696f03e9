/**
 * npm run rebuild [-- --db FILE]: recreates the database from its archive
 * (ingest/archive.ts), loading every archived file in its original order with
 * its original options, into a new file beside the old one; only when every
 * file loaded and the models built does it take the old one's place (the old
 * one is kept as <db>.before-rebuild). The archived reviews of incident links
 * (ingest/reviews.ts) follow the files. Refused while a dashboard serves it.
 */
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { audit } from '../lib/access/audit.ts';
import { exit, fail, log, UsageError } from '../lib/command.ts';
import { closeDatabase, databasePath, setDatabasePath, withWriter } from '../lib/db.ts';
import { readServerInfo } from '../lib/runningServer.ts';
import { keptThroughRebuild } from '../lib/schema.ts';
import { fileLiteral } from '../lib/sqlText.ts';
import { updateModels } from '../queries/refresh.ts';
import { archivedFile, archivedMapping, readManifest } from './archive.ts';
import { ingestBatch } from './load.ts';
import { readArchivedReviews, replayReviews } from './reviews.ts';

const databaseFiles = (file: string) => [file, `${file}.wal`];

function removeDatabase(file: string) {
  for (const f of databaseFiles(file)) fs.rmSync(f, { force: true });
}

function moveDatabase(from: string, to: string) {
  removeDatabase(to);
  for (const [a, b] of databaseFiles(from).map((f, i) => [f, databaseFiles(to)[i] as string] as const)) {
    if (fs.existsSync(a)) fs.renameSync(a, b);
  }
}

/** Copies what the archive cannot replay (alert state) from the old database into the new one. */
async function keepState(oldDb: string): Promise<void> {
  if (!fs.existsSync(oldDb)) return;
  await withWriter(async (conn) => {
    await conn.run(`attach ${fileLiteral(oldDb)} as previous (read_only)`);
    try {
      for (const table of keptThroughRebuild) {
        const has = await conn.runAndReadAll(
          "select 1 from duckdb_tables() where database_name = 'previous' and table_name = $table",
          { table },
        );
        if (has.currentRowCount === 0) continue;
        await conn.run(`insert into main.${table} select * from previous.main.${table}`);
      }
    } finally {
      await conn.run('detach previous');
    }
  });
}

async function main() {
  const { values } = parseArgs({ options: { db: { type: 'string' } } });
  if (values.db) setDatabasePath(values.db);
  const db = databasePath();
  const server = readServerInfo(db);
  if (server) throw new UsageError(`a dashboard (PID ${server.pid}) serves ${db}; stop it, then rebuild`);
  const entries = readManifest(db);
  if (entries.length === 0) throw new UsageError(`${db} has no archive to rebuild from (${db}.archive/manifest.jsonl)`);
  const missing = entries.filter((e) => !fs.existsSync(archivedFile(db, e.sha256)));
  if (missing.length > 0) {
    throw new Error(`the archive lacks ${missing.length} file(s), first ${missing[0]?.name} (${missing[0]?.sha256})`);
  }
  const next = `${db}.rebuild`;
  removeDatabase(next); // a left-over attempt
  log(`rebuild: loading ${entries.length} archived file(s) into ${next}`);
  setDatabasePath(next);
  let failed = 0;
  const batch = await ingestBatch(
    entries.map((e) => ({
      file: archivedFile(db, e.sha256),
      options: {
        ...e.options,
        displayName: e.name,
        mappingFile: e.mappingSha256 ? archivedMapping(db, e.mappingSha256) : undefined,
        archive: false,
      },
    })),
    (r) => {
      if (r.error) {
        failed++;
        log(`error: ${r.error.message}`);
      } else if (r.summary) {
        log(`  ${r.summary.file}: ${r.summary.rowsLoaded} loaded, ${r.summary.rowsRejected} rejected`);
      }
    },
  );
  if (failed === 0 && !batch.buildError && batch.dataVersion !== null) {
    await keepState(db);
    const reviews = readArchivedReviews(db);
    if (reviews.length > 0) {
      batch.dataVersion = await withWriter(async (conn) => {
        await replayReviews(conn, reviews);
        return (await updateModels(conn)).dataVersion;
      });
      log(`  ${reviews.length} archived review(s) of incident links`);
    }
  }
  await closeDatabase();
  if (failed > 0 || batch.buildError || batch.dataVersion === null) {
    if (batch.buildError) log(`error: ${batch.buildError.message}`);
    log(`rebuild: not finished; ${db} is unchanged (the attempt is in ${next})`);
    await exit(1);
  }
  moveDatabase(db, `${db}.before-rebuild`);
  moveDatabase(next, db);
  audit(db, {
    actor: `cli:${os.userInfo().username}`,
    action: 'rebuild',
    detail: `rebuilt from ${entries.length} archived file(s), data version ${batch.dataVersion}; the old database kept as .before-rebuild`,
  });
  log(
    `rebuild: ${db} rebuilt from ${entries.length} file(s), data version ${batch.dataVersion}; the old one is ${db}.before-rebuild`,
  );
  await exit(0);
}

main().catch(fail);
