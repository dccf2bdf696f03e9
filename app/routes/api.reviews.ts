/**
 * GET /api/reviews: whether the asker may review incident links, and a page of
 * the reviews (the newest verdict per link; ?limit=, ?offset=).
 *
 * POST /api/reviews (uploader; in single-user local mode, this machine): JSON,
 * one review { "incident_id", "unit_kind", "unit_id", "verdict": "confirmed" |
 * "rejected" | "withdrawn", "reason"? } or { "reviews": [...] } (at most 500),
 * stored all or none in the signed-in person's name; the models move to a new
 * data version before it answers (docs/kpis.md, "Incident attribution", item 4).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { getReviews } from '../../queries/reviews.ts';
import { handleReviews, mayReview } from '../server/reviews.server.ts';
import { secureHeaders } from '../server/security.server.ts';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: secureHeaders({ 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }),
  });

const bounded = (v: string | null, max: number, fallback: number) => {
  const n = Number(v ?? fallback);
  return Number.isInteger(n) && n >= 0 && n <= max ? n : null;
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const limit = bounded(url.searchParams.get('limit'), 1000, 100);
  const offset = bounded(url.searchParams.get('offset'), 10_000_000, 0);
  if (limit === null || offset === null)
    return json(400, { error: 'limit: a whole number 0..1000; offset: a whole number 0..10000000' });
  const page = await getReviews({ limit, offset });
  return json(200, {
    canReview: mayReview(context.principal),
    who: context.principal?.name ?? null,
    total: page.total,
    reviews: page.rows,
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== 'POST') return json(405, { error: 'POST only' });
  if (!(request.headers.get('content-type') ?? '').startsWith('application/json'))
    return json(415, { error: 'send the reviews as application/json' });
  const outcome = await handleReviews(request, context.principal);
  return outcome.ok ? json(200, outcome) : json(outcome.status, { error: outcome.error });
}
