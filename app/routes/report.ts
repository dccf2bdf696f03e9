/**
 * GET /report: the retrospective report for the current filters as one
 * self-contained HTML file (the overview's and trends' "Download report").
 * Takes the trends page's `event=YYYY-MM-DD:label` and `bucket` too.
 */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { badRequest, resolveFilters } from '../server/filters.server.ts';
import { reportData } from '../server/reportData.server.ts';
import { secureHeaders } from '../server/security.server.ts';
import { parseEvents } from '../shared/trends.ts';
import { renderReport } from '../views/report/ReportDocument.tsx';

/** The report runs no script and loads nothing: its policy says so. */
const reportPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const { params } = await resolveFilters(url, ['bucket', 'event', 'split', 'sort', 'dir']);
  const bucket = url.searchParams.get('bucket');
  if (bucket !== null && bucket !== 'week' && bucket !== 'month')
    throw badRequest([`bucket: '${bucket}' is not one of week, month`]);
  const { events, problems: refused, outside } = parseEvents(url.searchParams.getAll('event'), params.from, params.to);
  // the report marks what it is asked to: an event outside its period is an error here, as before
  const problems = [
    ...refused,
    ...outside.map((e) => `event: ${e.date} must be after ${params.from} and before ${params.to}`),
  ];
  if (problems.length > 0) throw badRequest(problems);
  const html = renderReport(await reportData(params, { events, bucket: bucket ?? undefined }));
  return new Response(html, {
    headers: secureHeaders({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Disposition': `attachment; filename="releaselens-report-${params.unit}-${params.from}-${params.to}.html"`,
      'Content-Security-Policy': reportPolicy,
    }),
  });
}
