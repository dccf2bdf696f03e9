/** Loads the bundled sample organisation when the database holds no records yet. */
import path from 'node:path';
import { expandPaths } from '../ingest/files.ts';
import { ingestFile } from '../ingest/load.ts';
import { fail, log } from '../lib/command.ts';
import { databasePath, withConnection } from '../lib/db.ts';
import { ensureSchema } from '../lib/schema.ts';

async function main() {
  const records = await withConnection(async (conn) => {
    await ensureSchema(conn);
    const rows = (
      await conn.runAndReadAll(
        `select (select count(*) from raw_releases) + (select count(*) from raw_changes)
              + (select count(*) from raw_deployments) + (select count(*) from raw_incidents) as n`,
      )
    ).getRowObjectsJS();
    return Number(rows[0]?.n ?? 0);
  });
  if (records > 0) {
    log(`${databasePath()}: ${records.toLocaleString('en-US')} records; not loading the sample`);
    return;
  }
  log(`${databasePath()} is empty: loading the sample organisation from data/sample`);
  for (const file of expandPaths([path.join('data', 'sample')])) {
    const s = await ingestFile(file);
    log(`  ${s.file}: ${s.rowsLoaded} ${s.entity} loaded in ${s.seconds.toFixed(2)} s`);
  }
}

main().catch(fail);
