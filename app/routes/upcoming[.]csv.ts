/** GET /upcoming.csv: the upcoming-changes agenda as CSV, in the page's order, for the change advisory board. */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { neutraliseCell } from '../../lib/csvSafety.ts';
import { secureHeaders } from '../server/security.server.ts';
import { upcomingFor } from '../server/upcoming.server.ts';
import { upcomingCsvRows } from '../views/upcoming/UpcomingTable.tsx';

const cell = (v: string | number | null) => {
  if (v === null) return '';
  const s = typeof v === 'string' ? neutraliseCell(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export async function loader({ request }: LoaderFunctionArgs) {
  const { upcoming } = await upcomingFor(request);
  const body = upcomingCsvRows(upcoming.items)
    .map((row) => row.map(cell).join(','))
    .join('\n');
  return new Response(`${body}\n`, {
    headers: secureHeaders({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="releaselens-upcoming-${upcoming.fromAt.slice(0, 10)}-${upcoming.toAt.slice(0, 10)}.csv"`,
    }),
  });
}
