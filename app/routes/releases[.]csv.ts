/** GET /releases.csv: exactly the releases page's current view (filters, search, sort, backlog point), every page. */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { getUnits, getUnitsPage } from '../../queries/units.ts';
import { pageFilters } from '../server/page.server.ts';
import { secureHeaders } from '../server/security.server.ts';
import { applyView, parseView, unitsCsv, viewParams } from '../shared/unitsView.ts';

/** More units of one kind than any organisation has: the whole backlog in one read. */
const ALL_ROWS = 1_000_000;

export async function loader({ request }: LoaderFunctionArgs) {
  const { params } = await pageFilters(request, viewParams);
  const view = parseView(new URL(request.url).searchParams);
  // a backlog point's units are another population than the period's: SQL selects them (kpi_units_page)
  const rows =
    view.backlog && view.outcome !== 'excess'
      ? (await getUnitsPage(params, { ...view, outcome: view.outcome }, { limit: ALL_ROWS, offset: 0 })).rows
      : view.backlog
        ? []
        : applyView(await getUnits(params), view, params.tz);
  const name = view.backlog ? `backlog-${view.backlog.at}` : `${params.from}-${params.to}`;
  return new Response(unitsCsv(rows), {
    headers: secureHeaders({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="releaselens-${params.unit}s-${name}.csv"`,
    }),
  });
}
