/** GET /download/:table/:format — any dashboard table as CSV, Arrow IPC or Parquet, for the current filters. */
import type { LoaderFunctionArgs } from '@remix-run/node';
import {
  type ExportFormat,
  type ExportTable,
  exportFormats,
  exportTable,
  exportTables,
} from '../../queries/exports.ts';
import { incidentFilterParams, parseIncidentFilter } from '../../queries/incidents.ts';
import { badRequest, resolveFilters } from '../server/filters.server.ts';
import { secureHeaders } from '../server/security.server.ts';
import { viewParams } from '../shared/unitsView.ts';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const table = params.table as ExportTable;
  const format = params.format as ExportFormat;
  if (!Object.hasOwn(exportTables, table))
    throw badRequest([`table: '${params.table}' is not one of ${Object.keys(exportTables).join(', ')}`]);
  if (!exportFormats.includes(format))
    throw badRequest([`format: '${params.format}' is not one of ${exportFormats.join(', ')}`]);
  const url = new URL(request.url);
  const { params: kpiParams } = await resolveFilters(url, [...viewParams, ...incidentFilterParams, 'bucket', 'split']);
  if (table === 'incidents') {
    const filter = parseIncidentFilter(url.searchParams);
    if (Array.isArray(filter)) throw badRequest(filter);
  }
  const out = await exportTable(table, format, kpiParams, url.searchParams);
  return new Response(new Uint8Array(out.body), {
    headers: secureHeaders({
      'Content-Type': out.contentType,
      'Content-Disposition': `attachment; filename="${out.filename}"`,
    }),
  });
}
