/**
 * GET /api/incident-charts: the incident pattern charts of a period, counted
 * (getIncidentCharts): a few hundred rows whatever the number of incidents.
 * Cached by data version with an ETag; the table's paging and its priority and
 * rule filters do not change the charts.
 */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { getIncidentCharts } from '../../queries/incidents.ts';
import { resolveFilters } from '../server/filters.server.ts';
import { cachedJson } from '../server/resources.server.ts';

export function loader({ request }: LoaderFunctionArgs) {
  return cachedJson('incident-charts', request, async () =>
    getIncidentCharts((await resolveFilters(new URL(request.url), ['priority', 'rule', 'page'])).params),
  );
}
