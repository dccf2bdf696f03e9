/** GET /releases.csv: exactly the releases page's current view (filters, search, sort), every page. */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { getUnits } from '../../queries/units.ts';
import { pageFilters } from '../server/page.server.ts';
import { secureHeaders } from '../server/security.server.ts';
import { applyView, parseView, unitsCsv, viewParams } from '../shared/unitsView.ts';

export async function loader({ request }: LoaderFunctionArgs) {
  const { params } = await pageFilters(request, viewParams);
  const rows = applyView(await getUnits(params), parseView(new URL(request.url).searchParams), params.tz);
  return new Response(unitsCsv(rows), {
    headers: secureHeaders({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="releaselens-${params.unit}s-${params.from}-${params.to}.csv"`,
    }),
  });
}
