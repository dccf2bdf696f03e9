/**
 * Reviews of incident links from the dashboard: who may review, and one
 * request's reviews checked and stored (ingest/reviews.ts). The access gate
 * has already let the request in (POST /review and /api/reviews need the
 * uploader role; in single-user local mode, a request from this machine).
 */
import { z } from 'zod';
import { type ReviewInput, ReviewRefused, recordReviews, reviewInputSchema } from '../../ingest/reviews.ts';
import { isLoopback } from '../../lib/access/listen.ts';
import { allows } from '../../lib/access/roles.ts';
import { config } from '../../lib/config.ts';
import { databasePath } from '../../lib/db.ts';
import type { Principal } from './access.server.ts';

/** Whether this person may review links: the uploader role, or the person at this machine in local mode. */
export function mayReview(principal: Principal | undefined): boolean {
  if (!principal) return false;
  if (principal.via === 'local') return isLoopback(config().HOST);
  return allows(principal.role, 'uploader');
}

export type ReviewOutcome =
  | { ok: true; stored: number; dataVersion: number; reviewedBy: string }
  | { ok: false; status: number; error: string };

const MAX_BODY_BYTES = 200_000;

const batchSchema = z.strictObject({ reviews: z.array(reviewInputSchema).min(1).max(500) });

/** One review, or { reviews: [...] }: each checked by its own schema, so a message names the field. */
const parseJson = (body: unknown) =>
  body && typeof body === 'object' && 'reviews' in body
    ? batchSchema.safeParse(body)
    : reviewInputSchema.transform((r) => ({ reviews: [r] })).safeParse(body);

const issues = (err: z.ZodError) =>
  err.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
    .join('; ');

/** The reviews a request carries: a form's fields (one review) or JSON (one, or { reviews: [...] }). */
export async function readReviews(request: Request): Promise<ReviewInput[] | { status: number; error: string }> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  // a body a little too large is read to its end, so the client hears the answer; a much larger one is not read at all
  if (declared > 4 * MAX_BODY_BYTES)
    return { status: 413, error: `the request body is larger than ${MAX_BODY_BYTES} bytes` };
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES)
    return { status: 413, error: `the request body is larger than ${MAX_BODY_BYTES} bytes` };
  const type = request.headers.get('content-type') ?? '';
  if (type.startsWith('application/json')) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      return { status: 400, error: `the body is not JSON: ${(err as Error).message.slice(0, 200)}` };
    }
    const parsed = parseJson(body);
    if (!parsed.success) return { status: 400, error: issues(parsed.error) };
    return parsed.data.reviews;
  }
  const form = new URLSearchParams(text);
  const fields = Object.fromEntries(
    ['incident_id', 'unit_kind', 'unit_id', 'verdict', 'reason']
      .filter((k) => form.get(k) !== null)
      .map((k) => [k, form.get(k) as string]),
  );
  const parsed = reviewInputSchema.safeParse(fields);
  if (!parsed.success) return { status: 400, error: issues(parsed.error) };
  return [parsed.data];
}

/** Stores a request's reviews in the principal's name. */
export async function handleReviews(request: Request, principal: Principal | undefined): Promise<ReviewOutcome> {
  if (!principal || !mayReview(principal))
    return {
      ok: false,
      status: 403,
      error: principal
        ? `${principal.name} is a ${principal.role ?? 'guest'}; reviewing links needs the uploader role`
        : 'no one is signed in',
    };
  const reviews = await readReviews(request);
  if (!Array.isArray(reviews)) return { ok: false, ...reviews };
  try {
    const { reviews: stored, dataVersion } = await recordReviews(databasePath(), reviews, principal.name);
    return { ok: true, stored: stored.length, dataVersion, reviewedBy: principal.name };
  } catch (err) {
    if (err instanceof ReviewRefused) return { ok: false, status: err.status, error: err.message };
    throw err;
  }
}
