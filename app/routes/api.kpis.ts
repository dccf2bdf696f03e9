/** GET /api/kpis: exactly the `kpis --json` object for the same parameters (ETag by data version). */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { getKpis } from '../../queries/kpis.ts';
import { resolveFilters } from '../server/filters.server.ts';
import { cachedJson } from '../server/resources.server.ts';

export function loader({ request }: LoaderFunctionArgs) {
  return cachedJson('api/kpis', request, async () => getKpis((await resolveFilters(new URL(request.url))).params));
}
