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
      <table data-table="review-queue">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>Incident</th>
            <th className="num">Priority</th>
            <th>Opened</th>
            <th>Linked to</th>
            <th className="num">Hours after go-live</th>
            <th>Matched on</th>
            <th className="num">Unit's incidents (expected)</th>
            <th>Title</th>
            {canReview && <th>Verdict</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={`${r.incident_id}:${r.unit_id}`} data-incident={r.incident_id} tabIndex={-1}>
              <td className="num">{offset + i + 1}</td>
              <td>
                {r.incident_id} <span className="phone-only hint">P{r.priority}</span>
              </td>
              <td className="num">P{r.priority}</td>
              <td>{dateTime(r.opened_at)}</td>
              <td>
                <Link to={`/releases/${encodeURIComponent(r.unit_id)}?${unitQuery}`}>{r.unit_id}</Link>{' '}
                <span className="hint">{r.service}</span>
              </td>
              <td className="num">{r.hours_after_golive ?? '—'}</td>
              <td>
                {r.incident_service && r.incident_service === r.service
                  ? `service ${r.service}`
                  : `CI ${r.incident_ci ?? '—'}`}
              </td>
              <td className="num">
                {r.post_release_incidents} ({r.expected_incidents === null ? '—' : r.expected_incidents.toFixed(1)})
              </td>
              <td>{r.title ?? ''}</td>
              {canReview && (
                <td
                  onSubmitCapture={() => {
                    focusAt.current = i;
                  }}
                >
                  <ReviewButtons
                    link={{ incident_id: r.incident_id, unit_kind: unitKind, unit_id: r.unit_id }}
                    fetcher={fetcher as never}
                    label={`incident ${r.incident_id} to ${r.unit_id}`}
                  />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
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
        <table data-table="reviews">
          <thead>
            <tr>
              <th>Incident</th>
              <th>Unit</th>
              <th>Verdict</th>
              <th>Reason</th>
              <th>By</th>
              <th>When</th>
              <th>Status</th>
              {canReview && <th>Change</th>}
            </tr>
          </thead>
          <tbody>
            {reviews.rows.map((r) => (
              <tr key={r.review_id} data-review-status={r.status}>
                <td>{r.incident_id}</td>
                <td>
                  {r.unit_kind} {r.unit_id}
                </td>
                <td>
                  <span className={`pill ${r.verdict}`}>{r.verdict}</span>
                </td>
                <td>{r.reason ?? ''}</td>
                <td>{r.reviewed_by}</td>
                <td>{dateTime(r.reviewed_at)}</td>
                <td>{r.status}</td>
                {canReview && (
                  <td>
                    <ReviewButtons
                      link={r}
                      verdict={r.verdict}
                      back={`/review${search}`}
                      label={`incident ${r.incident_id} to ${r.unit_id}`}
                    />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
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
