/** GET /incidents.arrow: attributed incidents (one row each) as Arrow IPC for the incident pattern charts. */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { rowsToArrow } from '../../queries/exports.ts';
import { getAttributedIncidents } from '../../queries/incidents.ts';
import { resolveFilters } from '../lib/filters.server.ts';
import { secureHeaders } from '../lib/security.server.ts';

export async function loader({ request }: LoaderFunctionArgs) {
  const { params } = await resolveFilters(new URL(request.url), ['priority', 'rule', 'page']);
  const rows = await getAttributedIncidents(params);
  return new Response(new Uint8Array(rowsToArrow(rows)), {
    headers: secureHeaders({ 'Content-Type': 'application/vnd.apache.arrow.stream', 'Cache-Control': 'no-store' }),
  });
}
