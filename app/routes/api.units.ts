/** GET /api/units: the table behind the releases page (every unit of the period), as JSON. */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { getUnits } from '../../queries/units.ts';
import { resolveFilters } from '../lib/filters.server.ts';

export async function loader({ request }: LoaderFunctionArgs) {
  const { params } = await resolveFilters(new URL(request.url));
  const units = await getUnits(params);
  return Response.json({ unit: params.unit, period: { from: params.from, to: params.to, timezone: params.tz }, units });
}
