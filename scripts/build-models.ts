/** npm run models [-- --db FILE]: rebuilds the models of the database as a new data version and says how long it took. */
import { parseArgs } from 'node:util';
import { exit, fail, log } from '../lib/command.ts';
import { databasePath, setDatabasePath, withWriter, writesSettled } from '../lib/db.ts';
import { ensureSchema } from '../lib/schema.ts';
import { buildModels } from '../queries/fullBuild.ts';

async function main() {
  const { values } = parseArgs({ options: { db: { type: 'string' } } });
  if (values.db) setDatabasePath(values.db);
  const t0 = performance.now();
  const version = await withWriter(async (conn) => {
    await ensureSchema(conn);
    return buildModels(conn);
  });
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(`${databasePath()}: models of data version ${version} built in ${seconds.toFixed(2)} s\n`);
  log('the dashboard reads the new version from its next request');
  const checkpointSeconds = await writesSettled();
  process.stdout.write(`then written into the database file (checkpoint) in ${checkpointSeconds.toFixed(2)} s\n`);
  await exit(0);
}

main().catch(fail);
