import { useDatabase } from './lib/db.ts';
import { ingestFile } from './ingest/load.ts';
useDatabase('/tmp/t.duckdb');
for (const f of ['releases','changes','deployments','incidents','freeze_windows']) {
  const s = await ingestFile(`test/fixtures/golden/input/${f}.csv`);
  console.log(s);
}
