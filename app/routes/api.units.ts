/** GET /api/units: the table behind the releases page (every unit of the period), as JSON (ETag by data version). */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { getUnits } from '../../queries/units.ts';
import { cachedJson } from '../lib/answers.server.ts';
import { resolveFilters } from '../lib/filters.server.ts';

export function loader({ request }: LoaderFunctionArgs) {
  return cachedJson('api/units', request, async () => {
    const { params } = await resolveFilters(new URL(request.url));
    const units = await getUnits(params);
    return { unit: params.unit, period: { from: params.from, to: params.to, timezone: params.tz }, units };
  });
}
