/**
 * npm run report -- --from 2025-01-01 --to 2025-04-01 [every filter of the dashboard]
 *   [--event YYYY-MM-DD:label]... [--bucket week|month] [--out report.html] [--pdf] [--db FILE]
 *
 * Writes the retrospective report (app/server/reportData.server.ts gathers it, app/views/report/ renders it): one HTML file
 * with no script and no external request. With --pdf, also prints it to PDF
 * with the installed chromium (A4, a page header naming the period and the
 * filters, page numbers); an --out ending in .pdf writes the PDF alone.
 * When the dashboard serves the same database, the report is asked of it on
 * localhost (it holds the database); otherwise it is made here.
 *
 * Exit 0, 1 when the report or the PDF could not be made, 2 for bad arguments.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { reportData } from '../app/server/reportData.server.ts';
import { describeScope } from '../app/shared/format.ts';
import { parseEvents, type TrendEvent } from '../app/shared/trends.ts';
import { renderReport } from '../app/views/report/ReportDocument.tsx';
import { exit, fail, log, UsageError } from '../lib/command.ts';
import { databasePath, setDatabasePath } from '../lib/db.ts';
import { askServer, readServerInfo } from '../lib/runningServer.ts';
import {
  describeIssues,
  type KpiParams,
  kpiParamOptions,
  kpiParamsSchema,
  kpiSearchParams,
} from '../queries/params.ts';

const usage = `usage: npm run report -- --from YYYY-MM-DD --to YYYY-MM-DD [--unit release|change|deployment]
  [--tz ZONE] [--window HOURS] [--severity 1..4] [--tolerance MINUTES] [--as-of ISO]
  [--service NAME]... [--team NAME]... [--type TYPE]... [--event YYYY-MM-DD:label]...
  [--bucket week|month] [--out FILE.html|FILE.pdf] [--pdf] [--db FILE]`;

const CHROMIUM = '/usr/bin/chromium';

function parse() {
  const options = {
    ...kpiParamOptions,
    event: { type: 'string', multiple: true },
    bucket: { type: 'string' },
    out: { type: 'string' },
    pdf: { type: 'boolean' },
    db: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  let values: ReturnType<typeof parseArgs<{ options: typeof options; strict: true }>>['values'];
  try {
    ({ values } = parseArgs({ options, strict: true }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${usage}`);
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const { 'as-of': asOf, event, bucket, out, pdf, db, help: _help, ...rest } = values;
  const result = kpiParamsSchema.safeParse({ ...rest, as_of: asOf });
  if (!result.success) throw new UsageError(`${describeIssues(result.error).join('\n')}\n${usage}`);
  const params = result.data;
  if (bucket !== undefined && bucket !== 'week' && bucket !== 'month')
    throw new UsageError(`--bucket: '${bucket}' is not one of week, month\n${usage}`);
  const { events, problems: refused, outside } = parseEvents(event ?? [], params.from, params.to);
  // the report marks what it is asked to: an event outside its period is an error here, as before
  const problems = [
    ...refused,
    ...outside.map((e) => `event: ${e.date} must be after ${params.from} and before ${params.to}`),
  ];
  if (problems.length > 0) throw new UsageError(`${problems.map((p) => `--event ${p}`).join('\n')}\n${usage}`);
  const file = out ?? `releaselens-report-${params.unit}-${params.from}-${params.to}.html`;
  if (!/\.(html?|pdf)$/i.test(file)) throw new UsageError(`--out: '${file}' must end in .html or .pdf\n${usage}`);
  const wantPdf = pdf === true || /\.pdf$/i.test(file);
  return {
    params,
    events,
    bucket: bucket as 'week' | 'month' | undefined,
    db,
    html: /\.pdf$/i.test(file) ? null : file,
    pdf: wantPdf ? file.replace(/\.html?$/i, '.pdf') : null,
  };
}

/** The report's query string for the running dashboard's /report. */
function reportQuery(p: KpiParams, events: TrendEvent[], bucket: string | undefined): string {
  const q = kpiSearchParams(p);
  for (const e of events) q.append('event', `${e.date}:${e.label}`);
  if (bucket) q.set('bucket', bucket);
  return q.toString();
}

async function makeHtml(args: ReturnType<typeof parse>): Promise<string> {
  const server = readServerInfo(databasePath());
  if (server) {
    log(`the dashboard (pid ${server.pid}) holds ${databasePath()}: asking it for the report`);
    const res = await askServer(databasePath(), `/report?${reportQuery(args.params, args.events, args.bucket)}`);
    if (res) return res.text();
  }
  return renderReport(await reportData(args.params, { events: args.events, bucket: args.bucket }));
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** Prints the HTML to an A4 PDF with chromium: a header naming the scope, page numbers in the footer. */
async function printPdf(html: string, file: string, scope: string): Promise<number> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`--pdf needs chromium at ${CHROMIUM} (apt-get install chromium)`);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    // the report loads nothing: any request it tried would be a bug, so none is let out
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    const small = 'font-size:8px;color:#616e7c;width:100%;padding:0 12mm;font-family:system-ui,sans-serif';
    const pdf = await page.pdf({
      path: file,
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: `<div style="${small}">ReleaseLens release report · ${escapeHtml(scope)}</div>`,
      footerTemplate: `<div style="${small};text-align:right">page <span class="pageNumber"></span> of <span class="totalPages"></span></div>`,
      margin: { top: '18mm', bottom: '16mm', left: '12mm', right: '12mm' },
    });
    return pdf.length;
  } finally {
    await browser.close();
  }
}

async function main() {
  const args = parse();
  if (args.db) setDatabasePath(args.db);
  const html = await makeHtml(args);
  if (args.html) {
    fs.writeFileSync(args.html, html);
    log(`wrote ${path.resolve(args.html)} (${Math.round(html.length / 1024)} KB)`);
  }
  if (args.pdf) {
    const bytes = await printPdf(html, args.pdf, describeScope(args.params));
    log(`wrote ${path.resolve(args.pdf)} (${Math.round(bytes / 1024)} KB)`);
  }
  return exit(0);
}

main().catch(fail);
