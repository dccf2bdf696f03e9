/**
 * GET /upcoming.html: the upcoming-changes agenda as one self-contained HTML
 * file to print or send before the change advisory board (styles inline, no
 * script, nothing fetched), like the retrospective report.
 */
import type { LoaderFunctionArgs } from '@remix-run/node';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { secureHeaders } from '../server/security.server.ts';
import { upcomingFor } from '../server/upcoming.server.ts';
import { reportStyles } from '../shared/reportStyles.ts';
import { UpcomingTable } from '../views/upcoming/UpcomingTable.tsx';

const packPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export async function loader({ request }: LoaderFunctionArgs) {
  const { upcoming: u } = await upcomingFor(request);
  const period = `${u.fromAt.slice(0, 16).replace('T', ' ')} to ${u.toAt.slice(0, 16).replace('T', ' ')} UTC`;
  const table = renderToStaticMarkup(
    createElement(UpcomingTable, { items: u.items, historyDays: u.historyDays, hrefOf: null }),
  );
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(`Change advisory board pack, ${period}`)}</title>
<style>${reportStyles}
ul.reasons { margin: 0; padding-left: 1.1em; } td, th { vertical-align: top; font-size: 0.85rem; }
@page { size: A4 landscape; margin: 12mm; }</style></head>
<body><main>
<h1>Change advisory board pack</h1>
<p>${escapeHtml(`${u.items.length} releases and changes scheduled from ${period}, ordered by evidence: reasons to stop (a freeze it touches, a required approval missing), then reasons to look (overlapping work on the same service or CI, open checks, a service that failed or overran more than the rest in the last ${u.historyDays} days), then planned start. Generated ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC by ReleaseLens.`)}</p>
${u.items.length === 0 ? '<p>Nothing is scheduled in these days.</p>' : table}
</main></body></html>
`;
  return new Response(html, {
    headers: secureHeaders({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Disposition': `attachment; filename="releaselens-cab-pack-${u.fromAt.slice(0, 10)}.html"`,
      'Content-Security-Policy': packPolicy,
    }),
  });
}
