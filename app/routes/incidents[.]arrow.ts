/** GET /incidents.arrow: the columns the incident pattern charts draw, one row per attributed incident, as Arrow IPC (ETag by data version). */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { getIncidentPointsArrow } from '../../queries/incidents.ts';
import { resolveFilters } from '../lib/filters.server.ts';
import { cachedBody } from '../lib/resources.server.ts';

export function loader({ request }: LoaderFunctionArgs) {
  return cachedBody(
    'incidents.arrow',
    request,
    async () =>
      getIncidentPointsArrow((await resolveFilters(new URL(request.url), ['priority', 'rule', 'page'])).params),
    'application/vnd.apache.arrow.stream',
  );
}
