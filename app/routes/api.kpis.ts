/** GET /api/kpis: exactly the `kpis --json` object for the same parameters. */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { getKpis } from '../../queries/kpis.ts';
import { resolveFilters } from '../lib/filters.server.ts';

export async function loader({ request }: LoaderFunctionArgs) {
  const { params } = await resolveFilters(new URL(request.url));
  return Response.json(await getKpis(params), { headers: { 'Cache-Control': 'no-store' } });
}
