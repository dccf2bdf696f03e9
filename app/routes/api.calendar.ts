/** GET /api/calendar: the period's go-lives as the overview's release calendar draws them, column by column (ETag by data version). */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { getCalendar } from '../../queries/analysis.ts';
import { resolveFilters } from '../server/filters.server.ts';
import { cachedJson } from '../server/resources.server.ts';

export function loader({ request }: LoaderFunctionArgs) {
  return cachedJson('api/calendar', request, async () =>
    getCalendar((await resolveFilters(new URL(request.url), ['sort', 'dir'])).params),
  );
}
