/**
 * GET /api/pulls: every pulled source and target with its watermark, batches,
 * records fetched and rejected, and the records a whole re-read found gone
 * upstream (the first 50). `npm run pull` reads its watermarks here while
 * the dashboard holds the database. ETag by data version.
 */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { readGone, readPulls } from '../../queries/pulls.ts';
import { withModels } from '../../queries/snapshot.ts';
import { cachedJson } from '../server/resources.server.ts';

export function loader({ request }: LoaderFunctionArgs) {
  return cachedJson('api/pulls', request, () =>
    withModels(async (conn) => ({ pulls: await readPulls(conn), gone: await readGone(conn) })),
  );
}
