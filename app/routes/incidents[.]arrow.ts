/** GET /incidents.arrow: attributed incidents (one row each) as Arrow IPC for the incident pattern charts (ETag by data version). */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { rowsToArrow } from '../../queries/exports.ts';
import { getAttributedIncidents } from '../../queries/incidents.ts';
import { resolveFilters } from '../lib/filters.server.ts';
import { cachedBody } from '../lib/resources.server.ts';

export function loader({ request }: LoaderFunctionArgs) {
  return cachedBody(
    'incidents.arrow',
    request,
    async () => {
      const { params } = await resolveFilters(new URL(request.url), ['priority', 'rule', 'page']);
      return new Uint8Array(rowsToArrow(await getAttributedIncidents(params)));
    },
    'application/vnd.apache.arrow.stream',
  );
}
