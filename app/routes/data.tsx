/**
 * The Data page: what is loaded and from where (records, pulled sources, alert
 * deliveries), its quality, uploads, the audit trail, every ingest run and
 * every rejected value. (Just over 300 lines: one table per section, read top
 * to bottom.)
 */

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useLocation, useNavigation } from '@remix-run/react';
import { readAudit } from '../../lib/access/audit.ts';
import { databasePath } from '../../lib/db.ts';
import { readStatus } from '../../pull/status.ts';
import { getDataStatus } from '../../queries/dataStatus.ts';
import { RouteError } from '../root.tsx';
import { readDeliveries } from '../server/alerts/engine.server.ts';
import { handleUpload, uploadsEnabled } from '../server/upload.server.ts';
import { count, dateTime } from '../shared/format.ts';
import { pullViews } from '../shared/pulls.ts';
import { qualityWarnings } from '../shared/quality.ts';
import { DataTable } from '../views/DataTable.tsx';
import { DeliveriesTable } from '../views/DeliveriesTable.tsx';
import { Pager } from '../views/Pager.tsx';
import { PullsTable } from '../views/PullsTable.tsx';

export const meta: MetaFunction = () => [{ title: 'Data · ReleaseLens' }];

const pageSize = 50;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const search = new URL(request.url).searchParams;
  const raw = search.get('rejects_page') ?? '0';
  if (!/^\d+$/.test(raw))
    throw new Response(`rejects_page: '${raw}' is not a page number (0, 1, 2, ...)`, { status: 400 });
  const page = Number(raw);
  const { pulls, ...status } = await getDataStatus(page, pageSize);
  const principal = context.principal;
  return {
    ...status,
    pulls: pullViews(pulls, readStatus(databasePath())),
    deliveries: await readDeliveries(),
    page,
    uploads: uploadsEnabled(principal),
    /** The admin token field: local mode only (with sign-in, the role decides). */
    askToken: !principal || principal.via === 'local',
    signedIn: principal && principal.via !== 'local' ? { name: principal.name, role: principal.role } : null,
    audit: readAudit(databasePath(), 20),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const result = await handleUpload(request, context.principal);
  if (!result.ok)
    return new Response(JSON.stringify(result), {
      status: result.status,
      headers: { 'Content-Type': 'application/json' },
    });
  return result;
}

type ActionResult = Awaited<ReturnType<typeof handleUpload>>;

type Status = ReturnType<typeof useLoaderData<typeof loader>>;

function Warnings({ q, done }: { q: Status['quality']; done: Status['doneWithoutEnd'] }) {
  const items = qualityWarnings(q, done);
  if (items.length === 0) return <p>No data-quality warnings.</p>;
  return (
    <ul data-list="warnings">
      {items.map((t) => (
        <li key={String(t)}>{t}</li>
      ))}
    </ul>
  );
}

/** A table's downloads from /download/<table>/<format>. */
const downloadsOf = (table: string) =>
  (['csv', 'arrow', 'parquet'] as const).map((format) => ({
    href: `/download/${table}/${format}`,
    label: format === 'csv' ? 'CSV' : format === 'arrow' ? 'Arrow' : 'Parquet',
  }));

export default function Data() {
  const {
    runs,
    rejects,
    counts,
    quality,
    doneWithoutEnd,
    pulls,
    gone,
    deliveries,
    page,
    uploads,
    askToken,
    signedIn,
    audit,
  } = useLoaderData<typeof loader>();
  const result = useActionData<ActionResult>();
  const navigation = useNavigation();
  const { search } = useLocation();
  return (
    <>
      <h1>Data</h1>
      <p className="lede">What is loaded, how fresh it is, what was rejected and why.</p>
      {counts.length === 0 && (
        <div className="notice" data-empty="data">
          <p>
            <strong>No records are loaded yet.</strong> Every page stays empty until there are some. To load your
            exports (the canonical CSV layout, or ServiceNow and Jira exports as they are):
          </p>
          <pre>npm run ingest -- path/to/exports/</pre>
          <p>
            While the dashboard serves, the command hands the files to it. You can also upload CSV files below, or stop
            the dashboard and run <code>npm start</code> without <code>--empty</code> to look around the bundled sample
            organisation.
          </p>
        </div>
      )}
      <h2>Records</h2>
      <DataTable
        name="counts"
        columns={[
          { key: 'entity', label: 'Entity', cell: (c) => c.entity },
          { key: 'source', label: 'Source', cell: (c) => c.source },
          { key: 'records', label: 'Records', numeric: true, cell: (c) => count(c.records) },
          { key: 'newest', label: 'Newest record', cell: (c) => dateTime(c.newest_at) },
        ]}
        rows={counts}
        rowKey={(c) => `${c.entity}-${c.source}`}
      />
      <h2>Pulled sources</h2>
      <PullsTable pulls={pulls} gone={gone} />
      {deliveries.length > 0 && (
        <>
          <h2>Alert deliveries</h2>
          <DeliveriesTable deliveries={deliveries} />
        </>
      )}
      <h2>Data-quality warnings</h2>
      <Warnings q={quality} done={doneWithoutEnd} />
      <h2>Upload CSV files</h2>
      {uploads ? (
        <Form method="post" encType="multipart/form-data" className="filters" aria-label="Upload">
          {/* the token comes first in the body: the server checks it before it writes any file */}
          {askToken && (
            <label>
              Admin token
              <input type="password" name="token" required autoComplete="off" />
            </label>
          )}
          <label>
            Source
            <input type="text" name="source" defaultValue="csv" pattern="[A-Za-z0-9_.\-]{1,40}" />
          </label>
          <label>
            CSV files (canonical layout)
            <input type="file" name="files" accept=".csv,text/csv" multiple required />
          </label>
          <button type="submit" disabled={navigation.state === 'submitting'}>
            {navigation.state === 'submitting' ? 'Loading…' : 'Upload and load'}
          </button>
        </Form>
      ) : (
        <p className="notice">
          {signedIn
            ? `Uploads need the uploader role; you (${signedIn.name}) are a ${signedIn.role ?? 'guest'}. Ask an admin, or load files from the command line: `
            : 'Uploads are disabled. Set RELEASELENS_ADMIN_TOKEN (24 characters or more) for the server and restart it; the form then asks for that token. Or load files from the command line: '}
          <code>npm run ingest -- FILES</code>.
        </p>
      )}
      {result && !result.ok && (
        <p className="error" role="alert">
          {result.error}
        </p>
      )}
      {result?.ok && (
        <section aria-label="Upload result" data-upload="result">
          {result.summaries.map((s) => (
            <div key={s.runId}>
              <p>
                <strong>{s.file}</strong>: {s.entity}, {s.rowsRead} read, {s.rowsLoaded} loaded ({s.newRecords} new,{' '}
                {s.changedRecords} changed, {s.unchangedRecords} unchanged), {s.rowsRejected} rejected
                {s.skipped > 0 ? `, ${s.skipped} without a value to load skipped` : ''} (run {s.runId}).
              </p>
              {s.firstRejects.length > 0 && (
                <ul>
                  {s.firstRejects.map((r) => (
                    <li key={`${r.line}-${r.column}`} data-reject-line={r.line ?? ''}>
                      line {r.line ?? '?'}
                      {r.column ? `, column ${r.column}` : ''}: {r.reason}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          ))}
          {result.failures.map((f) => (
            <p key={f.file} className="error">
              {f.error}
            </p>
          ))}
        </section>
      )}
      <h2>Audit trail</h2>
      {signedIn && (
        <p>
          Signed in as <strong>{signedIn.name}</strong> ({signedIn.role ?? 'no role'}).{' '}
          <a href="/auth/logout">Sign out</a>
        </p>
      )}
      {audit.length === 0 ? (
        <p>No uploads, hand-offs, rebuilds, tokens or sign-ins recorded yet.</p>
      ) : (
        <DataTable
          name="audit"
          caption={<span className="sr-only">Newest first: who did what, and what it changed</span>}
          columns={[
            { key: 'at', label: 'When', cell: (e) => dateTime(e.at) },
            { key: 'actor', label: 'Who', cell: (e) => e.actor },
            { key: 'action', label: 'What', cell: (e) => e.action },
            { key: 'detail', label: 'Changed', cell: (e) => e.detail },
          ]}
          rows={audit}
          rowKey={(e) => `${e.at}-${e.actor}-${e.action}`}
          phone={['at', 'actor', 'action']}
        />
      )}
      <h2>Ingest runs</h2>
      <DataTable
        name="runs"
        downloads={downloadsOf('ingest_runs')}
        columns={[
          { key: 'run', label: 'Run', numeric: true, cell: (r) => r.run_id },
          { key: 'file', label: 'File', cell: (r) => r.file },
          { key: 'entity', label: 'Entity', cell: (r) => r.entity ?? '—' },
          { key: 'source', label: 'Source', cell: (r) => r.source },
          { key: 'read', label: 'Read', numeric: true, cell: (r) => count(r.rows_read) },
          { key: 'loaded', label: 'Loaded', numeric: true, cell: (r) => count(r.rows_loaded) },
          { key: 'rejected', label: 'Rejected', numeric: true, cell: (r) => count(r.rows_rejected) },
          {
            key: 'status',
            label: 'Status',
            cell: (r) => r.status,
            cellProps: (r) => ({ className: r.status === 'failed' ? 'failed' : '', title: r.error ?? '' }),
          },
          { key: 'finished', label: 'Finished', cell: (r) => dateTime(r.finished_at) },
          { key: 'seconds', label: 'Seconds', numeric: true, cell: (r) => r.seconds ?? '—' },
          { key: 'notes', label: 'Notes', cell: (r) => r.notes ?? '' },
        ]}
        rows={runs}
        rowKey={(r) => String(r.run_id)}
        phone={['run', 'file', 'loaded', 'rejected', 'status']}
      />
      <h2>Rejected values</h2>
      <DataTable
        name="rejects"
        downloads={downloadsOf('ingest_rejects')}
        columns={[
          { key: 'run', label: 'Run', numeric: true, cell: (r) => r.run_id },
          { key: 'file', label: 'File', cell: (r) => r.file },
          { key: 'line', label: 'Line', numeric: true, cell: (r) => r.line ?? '—' },
          { key: 'column', label: 'Column', cell: (r) => r.column || '—' },
          { key: 'value', label: 'Value', cell: (r) => r.value ?? '' },
          { key: 'reason', label: 'Reason', cell: (r) => r.reason },
        ]}
        rows={rejects}
        rowKey={(r) => `${r.run_id}-${r.record}-${r.column}-${r.reason}`}
        phone={['file', 'line', 'column', 'reason']}
      />
      {rejects.length === 0 && <p>No rejected rows.</p>}
      <Pager
        search={search}
        page={page}
        hasNext={rejects.length === pageSize}
        param="rejects_page"
        label="Pages of rejects"
      />
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
