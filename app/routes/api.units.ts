/** GET /api/units: the table behind the releases page (every unit of the period), as JSON (ETag by data version). */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { getUnitsJson } from '../../queries/units.ts';
import { cachedBody } from '../lib/answers.server.ts';
import { resolveFilters } from '../lib/filters.server.ts';

export function loader({ request }: LoaderFunctionArgs) {
  return cachedBody(
    'api/units',
    request,
    async () => getUnitsJson((await resolveFilters(new URL(request.url))).params),
    'application/json; charset=utf-8',
  );
}
