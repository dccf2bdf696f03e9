/** GET /api/sensitivity: the headline KPIs for windows of 12-168 hours and the attribution curve (ETag by data version). */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { getSensitivity, sensitivityWindows } from '../../queries/sensitivity.ts';
import { resolveFilters } from '../server/filters.server.ts';
import { cachedJson } from '../server/resources.server.ts';

export function loader({ request }: LoaderFunctionArgs) {
  return cachedJson(
    'api/sensitivity',
    request,
    // the incident page's own parameters (priority, rule, page) ride along and change nothing here
    async () => getSensitivity((await resolveFilters(new URL(request.url), ['priority', 'rule', 'page'])).params),
    [...sensitivityWindows],
  );
}
