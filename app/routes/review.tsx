/**
 * /review: the period's inferred incident links nobody has reviewed yet,
 * worst first (priority, then the unit's excess incidents), for a problem
 * manager to confirm or reject one after another by keyboard; then the
 * reviews made, with whether each is in effect. POST /review stores one
 * review (a form) and, given `back`, returns the browser there.
 */

import { type ActionFunctionArgs, data, type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/node';
import { Link, useActionData, useFetcher, useLoaderData, useLocation } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { getReviewCounts, getReviewQueue, getReviews, type QueueRow } from '../../queries/reviews.ts';
import { RouteError } from '../root.tsx';
import { pageFilters } from '../server/page.server.ts';
import { handleReviews, mayReview } from '../server/reviews.server.ts';
import { count, dateTime } from '../shared/format.ts';
import { DataTable } from '../views/DataTable.tsx';
import { FilterBar } from '../views/FilterBar.tsx';
import { Pager } from '../views/Pager.tsx';
import { ReviewButtons } from '../views/ReviewButtons.tsx';

export const meta: MetaFunction = () => [{ title: 'Review incident links · ReleaseLens' }];

const PAGE = 50;

const pageOf = (url: URL, name: string) => {
  const n = Number(url.searchParams.get(name) ?? 0);
  return Number.isInteger(n) && n >= 0 && n < 100_000 ? n : 0;
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const filters = await pageFilters(request, ['page', 'rpage']);
  const url = new URL(request.url);
  const [page, rpage] = [pageOf(url, 'page'), pageOf(url, 'rpage')];
  const p = filters.params;
  const [queue, reviews, counts] = [
    await getReviewQueue(p, { limit: PAGE, offset: page * PAGE }),
    await getReviews({ limit: PAGE, offset: rpage * PAGE }),
    await getReviewCounts(p),
  ];
  return {
    filters,
    queue,
    page,
    reviews,
    rpage,
    counts,
    canReview: mayReview(context.principal),
  };
}

/** A path of this site to go back to, or null (never another site). */
const safeBack = (back: string | null): string | null =>
  back?.startsWith('/') && !back.startsWith('//') && !back.includes('\\') && back.length < 2000 ? back : null;

export async function action({ request, context }: ActionFunctionArgs) {
  const back = safeBack(new URLSearchParams(await request.clone().text()).get('back'));
  const outcome = await handleReviews(request, context.principal);
  if (!outcome.ok) return data(outcome, { status: outcome.status });
  if (back) return redirect(back, { status: 303 });
  return data(outcome);
}

function QueueTable({
  rows,
  unitKind,
  canReview,
  offset,
}: {
  rows: QueueRow[];
  unitKind: string;
  canReview: boolean;
  offset: number;
}) {
  const { search } = useLocation();
  const fetcher = useFetcher<{ ok: boolean; error?: string }>();
  const focusAt = useRef<number | null>(null);
  // after a verdict the row leaves the queue: the one that takes its place gets the focus
  // biome-ignore lint/correctness/useExhaustiveDependencies: rows is when to look again (the reloaded queue), not a value read
  useEffect(() => {
    if (fetcher.state !== 'idle' || focusAt.current === null) return;
    const rowEl = document.querySelectorAll<HTMLElement>('[data-table="review-queue"] tbody tr')[focusAt.current];
    (rowEl?.querySelector<HTMLElement>('input[name="reason"]') ?? rowEl)?.focus();
  }, [fetcher.state, rows]);
  const unitQuery = new URLSearchParams(search);
  unitQuery.delete('page');
  unitQuery.delete('rpage');
  return (
    <>
      {fetcher.data && !fetcher.data.ok && (
        <p className="error" role="alert">
          {fetcher.data.error}
        </p>
      )}
      <DataTable
        name="review-queue"
        columns={[
          { key: 'order', label: '#', numeric: true, cell: (_r, i) => offset + i + 1 },
          {
            key: 'incident',
            label: 'Incident',
            cell: (r) => (
              <>
                {r.incident_id} <span className="phone-only hint">P{r.priority}</span>
              </>
            ),
          },
          { key: 'priority', label: 'Priority', numeric: true, cell: (r) => `P${r.priority}` },
          { key: 'opened', label: 'Opened', cell: (r) => dateTime(r.opened_at) },
          {
            key: 'unit',
            label: 'Linked to',
            cell: (r) => (
              <>
                <Link to={`/releases/${encodeURIComponent(r.unit_id)}?${unitQuery}`}>{r.unit_id}</Link>{' '}
                <span className="hint">{r.service}</span>
              </>
            ),
          },
          { key: 'hours', label: 'Hours after go-live', numeric: true, cell: (r) => r.hours_after_golive ?? '—' },
          {
            key: 'matched',
            label: 'Matched on',
            cell: (r) =>
              r.incident_service && r.incident_service === r.service
                ? `service ${r.service}`
                : `CI ${r.incident_ci ?? '—'}`,
          },
          {
            key: 'incidents',
            label: "Unit's incidents (expected)",
            numeric: true,
            cell: (r) =>
              `${r.post_release_incidents} (${r.expected_incidents === null ? '—' : r.expected_incidents.toFixed(1)})`,
          },
          { key: 'title', label: 'Title', cell: (r) => r.title ?? '' },
          ...(canReview
            ? [
                {
                  key: 'verdict',
                  label: 'Verdict',
                  cell: (r: (typeof rows)[number]) => (
                    <ReviewButtons
                      link={{ incident_id: r.incident_id, unit_kind: unitKind, unit_id: r.unit_id }}
                      fetcher={fetcher as never}
                      label={`incident ${r.incident_id} to ${r.unit_id}`}
                    />
                  ),
                  cellProps: (r: (typeof rows)[number]) => ({
                    onSubmitCapture: () => {
                      focusAt.current = rows.indexOf(r);
                    },
                  }),
                },
              ]
            : []),
        ]}
        rows={rows}
        rowKey={(r) => `${r.incident_id}:${r.unit_id}`}
        rowProps={(r) => ({ 'data-incident': r.incident_id, tabIndex: -1 })}
        phone={['incident', 'unit', 'verdict']}
      />
    </>
  );
}

export default function Review() {
  const { filters, queue, page, reviews, rpage, counts, canReview } = useLoaderData<typeof loader>();
  const failed = useActionData<{ ok: boolean; error?: string }>();
  const { search } = useLocation();
  const p = filters.params;
  return (
    <>
      <h1>Review incident links</h1>
      <p className="lede">
        Incidents linked to a {p.unit} only because they opened on its service or CI within {p.window} h of its go-live,
        for {p.unit}s that went live from {p.from} to {p.to}, worst first: priority, then the {p.unit}s with the most
        incidents over what their service's baseline expects. Confirm a link and it counts as an explicit one; reject it
        and the incident goes to the next {p.unit} that could have caused it, or to none.
      </p>
      <FilterBar state={filters.state} options={filters.options} />
      <p data-counts="reviews">
        Links of the period: {count(counts.links)} — {count(counts.explicit_links)} explicit,{' '}
        {count(counts.confirmed_reviews)} confirmed by a review, {count(counts.inferred_links)} inferred;{' '}
        {count(counts.rejected_reviews)} rejected by a review.
      </p>
      {failed && !failed.ok && (
        <p className="error" role="alert">
          {failed.error}
        </p>
      )}
      {!canReview && (
        <p className="notice" data-notice="read-only">
          You can read this queue; confirming or rejecting a link needs the uploader role (or, without sign-in, a
          dashboard that listens on this machine only).
        </p>
      )}
      <h2>Waiting for a verdict ({count(queue.total)})</h2>
      {queue.rows.length === 0 ? (
        <p data-empty="queue">Every inferred link of this period has a verdict.</p>
      ) : (
        <QueueTable rows={queue.rows} unitKind={p.unit} canReview={canReview} offset={page * PAGE} />
      )}
      <Pager
        search={search}
        page={page}
        pages={Math.max(1, Math.ceil(queue.total / PAGE))}
        label="Pages of the queue"
      />
      <h2>Reviews ({count(reviews.total)})</h2>
      <p className="hint">
        The newest verdict on each link, in every period. A review names ids, so it outlives a re-ingest; one whose
        incident or unit is not in the data changes nothing and says so. Download:{' '}
        <a href="/download/reviews/csv">CSV</a> <a href="/download/reviews/arrow">Arrow</a>{' '}
        <a href="/download/reviews/parquet">Parquet</a>
      </p>
      {reviews.rows.length > 0 && (
        <DataTable
          name="reviews"
          columns={[
            { key: 'incident', label: 'Incident', cell: (r) => r.incident_id },
            { key: 'unit', label: 'Unit', cell: (r) => `${r.unit_kind} ${r.unit_id}` },
            { key: 'verdict', label: 'Verdict', cell: (r) => <span className={`pill ${r.verdict}`}>{r.verdict}</span> },
            { key: 'reason', label: 'Reason', cell: (r) => r.reason ?? '' },
            { key: 'by', label: 'By', cell: (r) => r.reviewed_by },
            { key: 'when', label: 'When', cell: (r) => dateTime(r.reviewed_at) },
            { key: 'status', label: 'Status', cell: (r) => r.status },
            ...(canReview
              ? [
                  {
                    key: 'change',
                    label: 'Change',
                    cell: (r: (typeof reviews.rows)[number]) => (
                      <ReviewButtons
                        link={r}
                        verdict={r.verdict}
                        back={`/review${search}`}
                        label={`incident ${r.incident_id} to ${r.unit_id}`}
                      />
                    ),
                  },
                ]
              : []),
          ]}
          rows={reviews.rows}
          rowKey={(r) => String(r.review_id)}
          rowProps={(r) => ({ 'data-review-status': r.status })}
          phone={['incident', 'unit', 'verdict', 'change']}
        />
      )}
      <Pager
        search={search}
        page={rpage}
        param="rpage"
        pages={Math.max(1, Math.ceil(reviews.total / PAGE))}
        label="Pages of the reviews"
      />
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
